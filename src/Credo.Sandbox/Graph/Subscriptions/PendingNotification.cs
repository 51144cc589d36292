namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// One notification waiting to be sent: a change to a message (its ids as they were when it changed) or a lifecycle
/// event. The JSON is written when it is sent, with the subscription's expiry of that moment.
/// </summary>
internal sealed record PendingNotification
{
    private PendingNotification(GraphSubscription subscription)
    {
        Subscription = subscription;
    }

    public GraphSubscription Subscription { get; }

    /// <summary><c>created</c>, <c>updated</c> or <c>deleted</c>; <see langword="null"/> for a lifecycle event.</summary>
    public string? ChangeType { get; private init; }

    /// <summary>The message's id as the subscription names it (immutable or REST).</summary>
    public string? MessageId { get; private init; }

    public string? ChangeKey { get; private init; }

    public SandboxLifecycleEvent? LifecycleEvent { get; private init; }

    public bool IsLifecycle => LifecycleEvent is not null;

    /// <summary>Where it goes: the lifecycle URL for a lifecycle event, else the notification URL.</summary>
    public Uri Url => IsLifecycle ? Subscription.LifecycleNotificationUrl! : Subscription.NotificationUrl;

    public static PendingNotification Change(GraphSubscription subscription, string changeType, string messageId, string changeKey) =>
        new(subscription) { ChangeType = changeType, MessageId = messageId, ChangeKey = changeKey };

    public static PendingNotification Lifecycle(GraphSubscription subscription, SandboxLifecycleEvent lifecycleEvent) =>
        new(subscription) { LifecycleEvent = lifecycleEvent };
}
