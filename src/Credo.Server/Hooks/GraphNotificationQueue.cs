using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Credo.Server.Hooks;

/// <summary>
/// Notifications received and answered, waiting to be acted on: Graph wants its answer within 3 seconds, so the hook only
/// queues, and <see cref="GraphNotificationWorker"/> checks and acts. A notification only makes its listener due, so one
/// waiting per subscription, event and client state is enough: more of the same are dropped (a burst of mail costs one
/// check). Only notifications of known subscriptions, within their rate, get here (<see cref="Core.Listeners.PushGate"/>), so
/// junk cannot fill it. Bounded all the same: past <see cref="Capacity"/> (about 3 MiB of GUIDs and client states) a post is
/// refused with 503, which Graph retries; mail is never lost that way, since the listeners poll at their interval regardless.
/// </summary>
internal sealed class GraphNotificationQueue
{
    /// <summary>Notifications waiting at most.</summary>
    public const int Capacity = 10_000;

    private readonly Channel<GraphNotification> _pending = Channel.CreateBounded<GraphNotification>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly ConcurrentDictionary<GraphNotification, byte> _waiting = new();

    /// <summary>Notifications waiting, at most one per subscription, event and client state.</summary>
    public ChannelReader<GraphNotification> Pending => _pending.Reader;

    /// <summary>Queues <paramref name="notifications"/> (but none the same as one waiting), or false when the queue is full.</summary>
    public bool TryAdd(IReadOnlyList<GraphNotification> notifications)
    {
        foreach (var notification in notifications)
        {
            if (!_waiting.TryAdd(notification, 0))
            {
                continue;
            }

            if (!_pending.Writer.TryWrite(notification))
            {
                _waiting.TryRemove(notification, out _);
                return false;
            }
        }

        return true;
    }

    /// <summary>Called as <paramref name="notification"/> is taken to be acted on: the next one of its kind is queued again.</summary>
    public void Taken(GraphNotification notification) => _waiting.TryRemove(notification, out _);
}
