using System.Globalization;
using System.Text.Json;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>Writes subscriptions, change notifications and lifecycle events with the property names Graph uses.</summary>
internal static class SubscriptionJson
{
    /// <summary>The TLS version Graph reports for a subscription it posts to.</summary>
    public const string LatestSupportedTlsVersion = "v1_2";

    public static byte[] Subscription(GraphSubscription subscription, string linkBase) => GraphResponseWriter.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", linkBase + "$metadata#subscriptions/$entity");
        Properties(w, subscription);
        w.WriteEndObject();
    });

    public static byte[] Collection(IEnumerable<GraphSubscription> subscriptions, string linkBase) => GraphResponseWriter.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", linkBase + "$metadata#subscriptions");
        w.WriteStartArray("value");
        foreach (var subscription in subscriptions)
        {
            w.WriteStartObject();
            Properties(w, subscription);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>{"value":[...]}</c> for notifications of one subscription, all change notifications or all lifecycle events.
    /// </summary>
    public static byte[] Notifications(IReadOnlyList<PendingNotification> notifications) => GraphResponseWriter.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("value");
        foreach (var notification in notifications)
        {
            var subscription = notification.Subscription;
            w.WriteStartObject();
            w.WriteString("subscriptionId", subscription.Id);
            w.WriteString("subscriptionExpirationDateTime", Timestamp(subscription.Expiration));
            if (notification.LifecycleEvent is { } lifecycleEvent)
            {
                w.WriteString("lifecycleEvent", LifecycleEventName(lifecycleEvent));
            }
            else
            {
                var resource = "Users/" + subscription.Mailbox.UserId + "/Messages/" + notification.MessageId;
                w.WriteString("changeType", notification.ChangeType);
                w.WriteString("resource", resource);
                w.WriteStartObject("resourceData");
                w.WriteString("@odata.type", "#Microsoft.Graph.Message");
                w.WriteString("@odata.id", resource);
                w.WriteString("@odata.etag", "W/\"" + notification.ChangeKey + "\"");
                w.WriteString("id", notification.MessageId);
                w.WriteEndObject();
            }

            if (subscription.ClientState is { } clientState)
            {
                w.WriteString("clientState", clientState);
            }
            else
            {
                w.WriteNull("clientState");
            }

            w.WriteString("tenantId", SandboxServer.TenantId);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static string LifecycleEventName(SandboxLifecycleEvent lifecycleEvent) => lifecycleEvent switch
    {
        SandboxLifecycleEvent.ReauthorizationRequired => "reauthorizationRequired",
        SandboxLifecycleEvent.SubscriptionRemoved => "subscriptionRemoved",
        SandboxLifecycleEvent.Missed => "missed",
        _ => throw new ArgumentOutOfRangeException(nameof(lifecycleEvent), lifecycleEvent, null),
    };

    /// <summary>Graph's form: UTC with seven decimals, such as <c>2026-05-02T10:11:12.1234567Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void Properties(Utf8JsonWriter w, GraphSubscription subscription)
    {
        w.WriteString("id", subscription.Id);
        w.WriteString("resource", subscription.Resource);
        w.WriteString("applicationId", subscription.ApplicationId);
        w.WriteString("changeType", subscription.ChangeType);
        if (subscription.ClientState is { } clientState)
        {
            w.WriteString("clientState", clientState);
        }
        else
        {
            w.WriteNull("clientState");
        }

        w.WriteString("notificationUrl", subscription.NotificationUrl.OriginalString);
        w.WriteNull("notificationQueryOptions");
        if (subscription.LifecycleNotificationUrl is { } lifecycle)
        {
            w.WriteString("lifecycleNotificationUrl", lifecycle.OriginalString);
        }
        else
        {
            w.WriteNull("lifecycleNotificationUrl");
        }

        w.WriteString("expirationDateTime", Timestamp(subscription.Expiration));
        w.WriteString("creatorId", subscription.ApplicationId);
        w.WriteNull("includeResourceData");
        w.WriteString("latestSupportedTlsVersion", LatestSupportedTlsVersion);
        w.WriteNull("encryptionCertificate");
        w.WriteNull("encryptionCertificateId");
        w.WriteNull("notificationUrlAppId");
    }
}
