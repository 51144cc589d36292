namespace Credo.Core.Users;

/// <summary>
/// The outcome of a sign-in attempt. Wrong user name and wrong password are indistinguishable on purpose; a lockout is
/// told here for the audit and the tests, but a sign-in page answers it with the same words as any failure.
/// </summary>
public sealed record SignInResult(User? User, DateTimeOffset? LockedUntil, UserSession? Session = null)
{
    /// <summary>Whether the user is signed in; <see cref="Session"/> is then the new session.</summary>
    public bool Succeeded => User is not null;

    /// <summary>Whether sign-in is refused for now after repeated failures.</summary>
    public bool LockedOut => LockedUntil is not null;
}
