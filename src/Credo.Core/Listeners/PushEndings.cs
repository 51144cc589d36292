using System.Threading.Channels;

namespace Credo.Core.Listeners;

/// <summary>
/// Push subscriptions to end at their server because their listener was switched off, pointed at another mailbox,
/// folder, server or credential, or deleted. <see cref="ListenerService"/> hands over the listener as it was; the engine
/// ends each subscription in the background with that listener's credential. Where no engine runs (a CLI command) the
/// subscription is left to expire at the server (at most about three days), and its notifications are ignored meanwhile.
/// </summary>
public sealed class PushEndings
{
    private readonly Channel<EmailListener> _pending = Channel.CreateBounded<EmailListener>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    internal ChannelReader<EmailListener> Pending => _pending.Reader;

    /// <summary>Queues the subscription of <paramref name="listener"/> (a detached copy of it as it was) to be ended.</summary>
    /// <remarks>When 10,000 wait already, that subscription is left to expire at the server.</remarks>
    internal void Add(EmailListener listener) => _pending.Writer.TryWrite(listener);

    /// <summary>A detached copy of what ending <paramref name="listener"/>'s subscription needs: where it was, with which credential.</summary>
    internal static EmailListener Snapshot(EmailListener listener) => new()
    {
        Id = listener.Id, Name = listener.Name, Version = listener.Version, Protocol = listener.Protocol, Settings = listener.Settings,
        Mailbox = listener.Mailbox, Folder = listener.Folder, CredentialId = listener.CredentialId, PushSubscriptionId = listener.PushSubscriptionId,
    };
}
