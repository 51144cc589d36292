namespace Credo.Graph;

/// <summary>What a subscription to the new messages of one folder asks Graph for (<c>changeType=created</c>).</summary>
/// <param name="FolderId">The folder: an id or a well-known name.</param>
/// <param name="NotificationUrl">Where Graph posts change notifications; it must answer Graph's validation request.</param>
/// <param name="LifecycleNotificationUrl">Where Graph posts lifecycle events (reauthorization, removal, missed notifications).</param>
/// <param name="ClientState">The secret Graph sends back in every notification (at most 128 characters); never logged.</param>
/// <param name="ExpiresAt">When the subscription should end unless renewed.</param>
public sealed record GraphSubscriptionRequest(string FolderId, Uri NotificationUrl, Uri LifecycleNotificationUrl, string ClientState, DateTimeOffset ExpiresAt)
{
    /// <summary>Redacts <see cref="ClientState"/>.</summary>
    public override string ToString() => $"GraphSubscriptionRequest {{ FolderId = {FolderId}, NotificationUrl = {NotificationUrl}, ExpiresAt = {ExpiresAt:O} }}";
}
