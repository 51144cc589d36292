namespace Credo.Core.Users;

/// <summary>What a console user or API key may do.</summary>
public enum UserRole
{
    /// <summary>Read-only.</summary>
    Viewer = 0,

    /// <summary>Everything.</summary>
    Administrator = 1,
}
