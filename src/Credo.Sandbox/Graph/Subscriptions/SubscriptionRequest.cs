namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// The body of <c>POST /subscriptions</c> (all of it) and of <c>PATCH /subscriptions/{id}</c> (only
/// <c>expirationDateTime</c> counts); other properties are ignored. The time stays text so a bad one gets a clear answer.
/// </summary>
internal sealed record SubscriptionRequest(
    string? ChangeType,
    string? NotificationUrl,
    string? LifecycleNotificationUrl,
    string? Resource,
    string? ExpirationDateTime,
    string? ClientState,
    bool? IncludeResourceData);
