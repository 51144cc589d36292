namespace Credo.Sandbox.Ews;

/// <summary>
/// A steady fault: every <see cref="OneIn"/>-th request of a mailbox, EWS or Graph, (for 13, requests 13, 26, 39 and so on,
/// counted from when the rate is set) is answered with <see cref="Kind"/>, as a mailbox that Exchange throttles
/// now and then. <see cref="OneIn"/> 0 turns the rate off.
/// </summary>
/// <param name="Kind">The fault, as for <see cref="SandboxFault.Kind"/>.</param>
/// <param name="OneIn">Which requests fail: one in this many; 0 for none.</param>
/// <param name="BackOffMilliseconds">As for <see cref="SandboxFault.BackOffMilliseconds"/>.</param>
/// <param name="DelayMilliseconds">As for <see cref="SandboxFault.DelayMilliseconds"/>.</param>
/// <param name="RetryAfterSeconds">As for <see cref="SandboxFault.RetryAfterSeconds"/>.</param>
public sealed record SandboxFaultRate(SandboxFaultKind Kind, int OneIn, int? BackOffMilliseconds = null, int DelayMilliseconds = 0, int? RetryAfterSeconds = null)
{
    /// <summary>
    /// What <c>credo sandbox --throttle-one-in</c> sets: for one request in <paramref name="oneIn"/>, EWS answers
    /// <c>ErrorServerBusy</c> with <c>BackOffMilliseconds</c> 300 and Graph answers <c>429</c> with <c>Retry-After</c>
    /// <paramref name="retryAfterSeconds"/> (default 1).
    /// </summary>
    public static SandboxFaultRate ServerBusy(int oneIn, int? retryAfterSeconds = null) =>
        new(SandboxFaultKind.ServerBusy, oneIn, BackOffMilliseconds: 300, RetryAfterSeconds: retryAfterSeconds);
}
