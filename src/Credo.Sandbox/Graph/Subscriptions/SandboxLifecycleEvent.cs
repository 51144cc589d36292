namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>The lifecycle events Microsoft Graph sends to a subscription's <c>lifecycleNotificationUrl</c>.</summary>
public enum SandboxLifecycleEvent
{
    /// <summary>
    /// <c>reauthorizationRequired</c>: the app must call <c>POST /subscriptions/{id}/reauthorize</c> (or renew it with
    /// <c>PATCH</c>); the subscription is marked until it does.
    /// </summary>
    ReauthorizationRequired,

    /// <summary><c>subscriptionRemoved</c>: Graph removed the subscription; the app must create a new one and catch up with delta.</summary>
    SubscriptionRemoved,

    /// <summary><c>missed</c>: some change notifications were not sent; the app must catch up with delta.</summary>
    Missed,
}
