namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// A Graph subscription as the sandbox holds it, with what it sent, for tests and the control API. A snapshot: the
/// counts go on after it is taken. The <c>clientState</c> is left out, as the sandbox's other secrets are.
/// </summary>
/// <param name="Id">The subscription id (a GUID).</param>
/// <param name="ApplicationId">The client id of the application that created it.</param>
/// <param name="Resource">The resource, as the application gave it.</param>
/// <param name="Mailbox">The SMTP address of the mailbox the resource names.</param>
/// <param name="ChangeType">The change types, as the application gave them (<c>created</c>, or a comma list).</param>
/// <param name="NotificationUrl">Where change notifications go.</param>
/// <param name="LifecycleNotificationUrl">Where lifecycle events go, or <see langword="null"/>.</param>
/// <param name="ExpirationDateTime">When it expires; after that it is gone.</param>
/// <param name="ReauthorizationRequired">A <c>reauthorizationRequired</c> event was sent and neither <c>reauthorize</c> nor a renewal followed.</param>
public sealed record SandboxSubscription(
    string Id,
    string ApplicationId,
    string Resource,
    string Mailbox,
    string ChangeType,
    Uri NotificationUrl,
    Uri? LifecycleNotificationUrl,
    DateTimeOffset ExpirationDateTime,
    bool ReauthorizationRequired)
{
    /// <summary>Change notifications queued for sending: one for each change in the subscribed folder.</summary>
    public int NotificationsQueued { get; init; }

    /// <summary>Change notifications the endpoint accepted (a <c>2xx</c> answer), whether at once or after retries.</summary>
    public int NotificationsSent { get; init; }

    /// <summary>Change notifications given up after every attempt failed.</summary>
    public int NotificationsFailed { get; init; }

    /// <summary>Lifecycle events the lifecycle endpoint accepted.</summary>
    public int LifecycleEventsSent { get; init; }

    /// <summary>Lifecycle events given up after every attempt failed.</summary>
    public int LifecycleEventsFailed { get; init; }

    /// <summary>Attempts (change notifications or lifecycle events) that failed and were tried again.</summary>
    public int FailedAttempts { get; init; }
}
