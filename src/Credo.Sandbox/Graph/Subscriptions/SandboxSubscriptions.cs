using System.Collections.Concurrent;
using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// The Microsoft Graph subscriptions the sandbox holds (<c>/v1.0/subscriptions</c>), and the test's handle on them:
/// read them with what they sent, send lifecycle events, expire one now. A change logged in a subscribed folder (mail
/// delivered by the control API, by seeding or by <see cref="SandboxMailbox.Deliver"/>, or moved in) queues a change
/// notification, which a background sender posts to the subscription's <c>notificationUrl</c>, retrying a few times.
/// A subscription past its expiry is gone: it is not listed, not found and notified of nothing.
/// </summary>
public sealed class SandboxSubscriptions
{
    /// <summary>The longest life of a subscription to Outlook messages, in minutes (seven days), as in Graph.</summary>
    public const int MaxExpirationMinutes = 10_080;

    /// <summary>The longest <c>clientState</c>, in characters, as in Graph.</summary>
    public const int MaxClientStateLength = 128;

    private readonly ConcurrentDictionary<string, GraphSubscription> _subscriptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly NotificationQueue _queue;
    private readonly TimeProvider _time;

    internal SandboxSubscriptions(SandboxMailboxes mailboxes, NotificationQueue queue, TimeProvider time)
    {
        _queue = queue;
        _time = time;
        mailboxes.Changes.Observer = OnMailboxChange;
    }

    /// <summary>The subscriptions that have not expired, of every application, as snapshots.</summary>
    public IReadOnlyList<SandboxSubscription> All => [.. Live().Select(s => s.Snapshot())];

    /// <summary>The subscription, or <see langword="null"/> when there is none with that id or it has expired.</summary>
    public SandboxSubscription? Find(string id) => FindLive(id)?.Snapshot();

    /// <summary>Ends the subscription now, as its expiry would: it is gone and notified of nothing more. No lifecycle event is sent.</summary>
    /// <returns><see langword="false"/> when there is no such subscription.</returns>
    public bool Expire(string id) => FindLive(id) is { } subscription && _subscriptions.TryRemove(new(subscription.Id, subscription));

    /// <summary>
    /// Queues a lifecycle event for the subscription's <c>lifecycleNotificationUrl</c>, as Graph sends it:
    /// <see cref="SandboxLifecycleEvent.ReauthorizationRequired"/> marks the subscription until it is reauthorized or
    /// renewed; <see cref="SandboxLifecycleEvent.SubscriptionRemoved"/> also removes it; <see cref="SandboxLifecycleEvent.Missed"/>
    /// only tells. The event is sent in the background, retried as change notifications are.
    /// </summary>
    /// <returns><see langword="false"/> when there is no such subscription.</returns>
    /// <exception cref="InvalidOperationException">The subscription was created without a <c>lifecycleNotificationUrl</c>.</exception>
    public bool SendLifecycleEvent(string id, SandboxLifecycleEvent lifecycleEvent)
    {
        if (FindLive(id) is not { } subscription)
        {
            return false;
        }

        if (subscription.LifecycleNotificationUrl is null)
        {
            throw new InvalidOperationException(
                $"Subscription {subscription.Id} has no lifecycleNotificationUrl: Graph sends lifecycle events only to one given when the subscription is created.");
        }

        switch (lifecycleEvent)
        {
            case SandboxLifecycleEvent.ReauthorizationRequired:
                subscription.ReauthorizationRequired = true;
                break;
            case SandboxLifecycleEvent.SubscriptionRemoved:
                _subscriptions.TryRemove(new(subscription.Id, subscription));
                break;
            case SandboxLifecycleEvent.Missed:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(lifecycleEvent), lifecycleEvent, "Give reauthorizationRequired, subscriptionRemoved or missed.");
        }

        _queue.Add(PendingNotification.Lifecycle(subscription, lifecycleEvent));
        return true;
    }

    internal void Add(GraphSubscription subscription) => _subscriptions[subscription.Id] = subscription;

    /// <summary>The subscription, unless it has expired (then it is dropped) or was removed.</summary>
    internal GraphSubscription? FindLive(string id)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return null;
        }

        if (subscription.IsExpired(_time.GetUtcNow()))
        {
            _subscriptions.TryRemove(new(subscription.Id, subscription));
            return null;
        }

        return subscription;
    }

    /// <summary>Whether a change notification for <paramref name="subscription"/> should still be sent.</summary>
    internal bool IsLive(GraphSubscription subscription) =>
        _subscriptions.TryGetValue(subscription.Id, out var current) && ReferenceEquals(current, subscription) && !subscription.IsExpired(_time.GetUtcNow());

    internal bool Remove(GraphSubscription subscription) => _subscriptions.TryRemove(new(subscription.Id, subscription));

    internal IEnumerable<GraphSubscription> Live()
    {
        var now = _time.GetUtcNow();
        foreach (var (_, subscription) in _subscriptions)
        {
            if (subscription.IsExpired(now))
            {
                _subscriptions.TryRemove(new(subscription.Id, subscription));
            }
            else
            {
                yield return subscription;
            }
        }
    }

    // Called under the mailbox's lock: it only matches and queues; the sender does the rest.
    private void OnMailboxChange(MailboxChange change)
    {
        if (_subscriptions.IsEmpty)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var (_, subscription) in _subscriptions)
        {
            if (!subscription.IsExpired(now) && subscription.Watches(change))
            {
                subscription.CountQueued();
                var messageId = GraphIds.ToRest(subscription.ImmutableIds ? change.ImmutableId : change.ItemId);
                _queue.Add(PendingNotification.Change(subscription, ChangeTypeOf(change.Kind), messageId, change.ChangeKey));
            }
        }
    }

    internal static string ChangeTypeOf(SandboxChangeKind kind) => kind switch
    {
        SandboxChangeKind.Create => "created",
        SandboxChangeKind.Delete => "deleted",
        _ => "updated",
    };
}
