namespace Credo.Core.Users;

/// <summary>A console user. The password is stored only as an ASP.NET Core Identity hash.</summary>
public sealed class User
{
    /// <summary>Identifier.</summary>
    public Guid Id { get; set; }

    /// <summary>User name as typed.</summary>
    public string UserName { get; set; } = "";

    /// <summary>Upper-case user name, for the unique index and sign-in.</summary>
    public string NormalizedUserName { get; set; } = "";

    /// <summary>Identity password hash (PBKDF2).</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>Role.</summary>
    public UserRole Role { get; set; }

    /// <summary>Failed sign-ins since the last success.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>Until when sign-in is refused after repeated failures.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Changes with the password, so existing sessions end.</summary>
    public string SecurityStamp { get; set; } = "";

    /// <summary>When the user was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
