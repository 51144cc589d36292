using System.Threading.Channels;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// The notifications waiting for <see cref="ChangeNotificationSender"/>. Adding never blocks (the queue is unbounded), so
/// a mailbox can queue under its lock and a slow notification endpoint never slows a delivery.
/// </summary>
internal sealed class NotificationQueue
{
    private readonly Channel<PendingNotification> _channel =
        Channel.CreateUnbounded<PendingNotification>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<PendingNotification> Reader => _channel.Reader;

    public void Add(PendingNotification notification) => _channel.Writer.TryWrite(notification);
}
