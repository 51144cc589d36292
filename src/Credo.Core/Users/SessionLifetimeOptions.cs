namespace Credo.Core.Users;

/// <summary>How long a console session lasts (<c>Credo:Sessions</c>).</summary>
public sealed class SessionLifetimeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Sessions";

    /// <summary>A session ends after this long without a request (sliding). Default 8 hours.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A session ends this long after sign-in, however active it is. Default 12 hours.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);
}
