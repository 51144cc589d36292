namespace Credo.Sandbox.Ews;

/// <summary>The faults the sandbox can inject into EWS answers.</summary>
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
}

/// <summary>A fault to inject into the next <see cref="Count"/> EWS requests of a mailbox.</summary>
public sealed record SandboxFault(SandboxFaultKind Kind, int Count = 1, int? BackOffMilliseconds = null, int DelayMilliseconds = 0);

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
        fault.Kind != SandboxFaultKind.InvalidSyncState || (operation == "SyncFolderItems" && hasSyncState);
}
