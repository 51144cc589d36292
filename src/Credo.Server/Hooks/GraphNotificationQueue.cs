using System.Threading.Channels;
using Credo.Core.Listeners;

namespace Credo.Server.Hooks;

/// <summary>
/// Notifications received and answered, waiting to be acted on: Graph wants its answer within 3 seconds, so the hook only
/// queues, and <see cref="GraphNotificationWorker"/> checks and acts. Bounded: a flood is refused (503), never held in memory.
/// </summary>
internal sealed class GraphNotificationQueue
{
    /// <summary>Notifications waiting at most.</summary>
    public const int Capacity = 10_000;

    private readonly Channel<GraphNotification> _pending = Channel.CreateBounded<GraphNotification>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<GraphNotification> Pending => _pending.Reader;

    /// <summary>Queues all of <paramref name="notifications"/>, or false when the queue is full.</summary>
    public bool TryAdd(IReadOnlyList<GraphNotification> notifications)
    {
        foreach (var notification in notifications)
        {
            if (!_pending.Writer.TryWrite(notification))
            {
                return false;
            }
        }

        return true;
    }
}
