namespace Credo.Core.Listeners.Sources;

/// <summary>
/// How a mail source that learns of new mail by itself (IMAP IDLE) asks the engine for a poll before the interval is
/// up. Registered only where the engine runs; the poll interval stays the fallback.
/// </summary>
internal interface IListenerWakeup
{
    /// <summary>
    /// Makes the listener due now, if it is still enabled, unchanged since <paramref name="version"/> and held by this
    /// node; false otherwise, and the caller stops watching it.
    /// </summary>
    Task<bool> PollNowAsync(Guid listenerId, long version, CancellationToken cancellationToken);

    /// <summary>Whether the listener is still enabled, unchanged since <paramref name="version"/> and held by this node.</summary>
    Task<bool> StillWatchedAsync(Guid listenerId, long version, CancellationToken cancellationToken);
}
