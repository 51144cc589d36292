namespace Credo.Sandbox.Ews;

/// <summary>
/// The faults the sandbox can inject into EWS and Microsoft Graph answers. Each is answered as the protocol of the
/// request answers it; for Graph: <see cref="ServerBusy"/> and <see cref="TooManyRequests"/> as <c>429</c>
/// <c>TooManyRequests</c> with <c>Retry-After</c>, <see cref="ConnectionCountExceeded"/> as <c>429</c>
/// <c>ApplicationThrottled</c> (<c>MailboxConcurrency</c>), <see cref="InvalidSyncState"/> as <c>410</c>
/// <c>syncStateInvalid</c> for a delta request with a token, the others as Graph's JSON errors.
/// </summary>
public enum SandboxFaultKind
{
    /// <summary>A SOAP fault <c>ErrorServerBusy</c> (HTTP 500), with <c>BackOffMilliseconds</c> when given.</summary>
    ServerBusy,

    /// <summary>HTTP 401 with <c>WWW-Authenticate: Bearer ... error="invalid_token"</c>, as for a revoked token.</summary>
    Unauthorized,

    /// <summary>HTTP 500 with an HTML body, as a failing front end answers.</summary>
    InternalServerError,

    /// <summary>HTTP 503 with <c>Retry-After</c>.</summary>
    ServiceUnavailable,

    /// <summary>The answer comes after a delay (<see cref="SandboxFault.DelayMilliseconds"/>).</summary>
    Delay,

    /// <summary><c>SyncFolderItems</c> with a sync state answers <c>ErrorInvalidSyncStateData</c>.</summary>
    InvalidSyncState,

    /// <summary>A response message <c>ErrorExceededConnectionCount</c>.</summary>
    ConnectionCountExceeded,

    /// <summary>
    /// Graph: HTTP 429 with <c>Retry-After</c> (<see cref="SandboxFault.RetryAfterSeconds"/>, default 1) and the error
    /// <c>TooManyRequests</c>. EWS answers it as <see cref="ServerBusy"/> with as many <c>BackOffMilliseconds</c>.
    /// </summary>
    TooManyRequests,

    /// <summary>
    /// Graph: the answer's links (<c>@odata.nextLink</c>, <c>@odata.deltaLink</c>) point at the next port of the same
    /// host instead of the sandbox's own, as a misconfigured or hostile server's would. EWS ignores it.
    /// </summary>
    LinkElsewhere,
}

/// <summary>A fault to inject into the next <see cref="Count"/> EWS or Graph requests of a mailbox.</summary>
/// <param name="Kind">The fault.</param>
/// <param name="Count">How many requests it answers.</param>
/// <param name="BackOffMilliseconds">
/// EWS <c>BackOffMilliseconds</c> of <see cref="SandboxFaultKind.ServerBusy"/>, and the <c>Retry-After</c> of a 503
/// (rounded down to seconds) or of a Graph 429 (rounded up to seconds) when <paramref name="RetryAfterSeconds"/> is not given.
/// </param>
/// <param name="DelayMilliseconds">The delay of <see cref="SandboxFaultKind.Delay"/>.</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> of a Graph 429 or 503; default 1 (or from <paramref name="BackOffMilliseconds"/>).</param>
public sealed record SandboxFault(SandboxFaultKind Kind, int Count = 1, int? BackOffMilliseconds = null, int DelayMilliseconds = 0, int? RetryAfterSeconds = null)
{
    /// <summary>The <c>Retry-After</c> of a Graph 429, in seconds.</summary>
    internal int GraphRetryAfterSeconds => RetryAfterSeconds ?? (BackOffMilliseconds is { } ms ? Math.Max(1, (ms + 999) / 1000) : 1);
}

/// <summary>The faults waiting for a mailbox's next requests, first in first out.</summary>
internal sealed class FaultQueue
{
    private readonly Lock _gate = new();
    private readonly List<(SandboxFault Fault, int Left)> _faults = [];

    public void Add(SandboxFault fault)
    {
        lock (_gate)
        {
            _faults.Add((fault, fault.Count));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes the next fault that applies to <paramref name="operation"/>, if any.</summary>
    public SandboxFault? Take(string operation, bool hasSyncState)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var (fault, left) = _faults[i];
                if (!AppliesTo(fault, operation, hasSyncState))
                {
                    continue;
                }

                if (left <= 1)
                {
                    _faults.RemoveAt(i);
                }
                else
                {
                    _faults[i] = (fault, left - 1);
                }

                return fault;
            }

            return null;
        }
    }

    /// <summary>Whether <paramref name="fault"/> can answer a request of <paramref name="operation"/>.</summary>
    public static bool AppliesTo(SandboxFault fault, string operation, bool hasSyncState) =>
        fault.Kind != SandboxFaultKind.InvalidSyncState || (operation is "SyncFolderItems" or "graph:delta" && hasSyncState);
}
