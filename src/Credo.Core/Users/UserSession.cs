namespace Credo.Core.Users;

/// <summary>
/// A console session. The sign-in cookie names it, and the cookie is honoured only while the session exists: signing
/// out deletes it, a password reset deletes all of the user's sessions, and it ends at <see cref="ExpiresAt"/>
/// however active it is.
/// </summary>
public sealed class UserSession
{
    /// <summary>Identifier, random; carried in the (encrypted) cookie.</summary>
    public Guid Id { get; set; }

    /// <summary>The signed-in user.</summary>
    public Guid UserId { get; set; }

    /// <summary>When the user signed in.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the session ends: sign-in time plus <see cref="SessionLifetimeOptions.AbsoluteLifetime"/>.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}
