namespace Credo.Imap.Internal;

/// <summary>One stretch of IDLE on a pooled connection, from the end of a poll to the next call (or until its reader is gone).</summary>
internal sealed class IdleRun(ImapWatch watch, CancellationTokenSource stop)
{
    /// <summary>What it idles on; a later poll's watch replaces it.</summary>
    public ImapWatch Watch { get; set; } = watch;

    /// <summary>Cancelled when a call needs the connection, or on shutdown: IDLE ends with <c>DONE</c>.</summary>
    public CancellationTokenSource Stop { get; } = stop;

    public Task Task { get; set; } = Task.CompletedTask;

    /// <summary>The session this run opened last (after a break, or for a fresh token).</summary>
    public ImapSession? Opened { get; set; }
}
