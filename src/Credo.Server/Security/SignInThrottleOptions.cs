namespace Credo.Server.Security;

/// <summary>
/// Throttling of console sign-in per client address (<c>Credo:SignIn</c>), kept in memory on each node. An address with
/// <see cref="MaxFailuresPerAddress"/> failed sign-ins within <see cref="AddressWindow"/> is answered 429 for
/// <see cref="AddressBlock"/>, twice as long at each further block (at most 24 hours), without any password being
/// checked, so its attempts do not count towards any user's lockout either.
/// </summary>
internal sealed class SignInThrottleOptions
{
    public const string SectionName = "Credo:SignIn";

    /// <summary>Failed sign-ins from one address within <see cref="AddressWindow"/> before it must wait. Default 10.</summary>
    public int MaxFailuresPerAddress { get; set; } = 10;

    /// <summary>The window the failures of an address are counted in, from its first failure. Default 15 minutes.</summary>
    public TimeSpan AddressWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an address waits the first time; each further time twice as long, at most 24 hours. Default 15 minutes.</summary>
    public TimeSpan AddressBlock { get; set; } = TimeSpan.FromMinutes(15);
}
