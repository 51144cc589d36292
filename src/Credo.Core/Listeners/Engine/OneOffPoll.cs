namespace Credo.Core.Listeners.Engine;

/// <summary>
/// One poll of one listener in this process, as <c>credo listeners poll</c> runs it: under the listener's lease, so
/// that it never runs beside a server's poll of the same listener.
/// </summary>
public sealed class OneOffPoll
{
    private readonly ListenerLease _lease;
    private readonly ListenerPoller _poller;

    internal OneOffPoll(ListenerLease lease, ListenerPoller poller)
    {
        _lease = lease;
        _poller = poller;
    }

    /// <summary>Polls the listener and returns true, or returns false at once when another process holds it.</summary>
    public async Task<bool> TryPollAsync(Guid listenerId, CancellationToken cancellationToken)
    {
        if (!await _lease.TryAcquireAsync(listenerId, cancellationToken))
        {
            return false;
        }

        try
        {
            await _poller.PollAsync(listenerId, cancellationToken);
            return true;
        }
        finally
        {
            await _lease.ReleaseAsync(listenerId, CancellationToken.None);
        }
    }
}
