namespace Credo.Core.Listeners;

/// <summary>What a push notification says.</summary>
public enum PushEvent
{
    /// <summary>Mail arrived (a change notification): poll now.</summary>
    Created,

    /// <summary>The server could not deliver some notifications (a lifecycle event): poll now.</summary>
    Missed,

    /// <summary>The subscription must be reauthorized (a lifecycle event): the next poll, now, does so.</summary>
    ReauthorizationRequired,

    /// <summary>The server removed the subscription (a lifecycle event): poll now, which makes a new one.</summary>
    SubscriptionRemoved,
}
