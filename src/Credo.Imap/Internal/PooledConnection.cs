namespace Credo.Imap.Internal;

/// <summary>
/// One key's pooled session: the lock that keeps its calls (and its IDLE) one at a time, the IDLE that runs on it between
/// calls, and whether it holds one of the node's IDLE places (<see cref="ImapOptions.MaxIdleConnections"/>).
/// </summary>
internal sealed class PooledConnection
{
    private int _waiting;

    public SemaphoreSlim Lock { get; } = new(1, 1);

    public ImapSession? Session { get; set; }

    /// <summary>The IDLE running on <see cref="Session"/> between calls, if any.</summary>
    public IdleRun? Idle { get; set; }

    /// <summary>Whether the key holds one of the node's IDLE places; it keeps it across its polls.</summary>
    public bool HasIdlePlace { get; set; }

    /// <summary>Whether the key wanted to idle but the node had no IDLE place left: it polls at its interval.</summary>
    public bool OverCap { get; set; }

    /// <summary>Whether the session is in IDLE now.</summary>
    public bool Idling { get; set; }

    /// <summary>Calls waiting for the lock: an IDLE that gets the lock before them gives it up at once.</summary>
    public bool CallsWaiting => Volatile.Read(ref _waiting) > 0;

    public void Waiting(int change) => Interlocked.Add(ref _waiting, change);

    public void Close()
    {
        Session?.Close();
        Session = null;
    }
}
