using Credo.Core.Listeners;

namespace Credo.Server.Api;

/// <summary>
/// A listener's health, the same as the console and the CLI show: the status, a sentence saying why, the times that explain it,
/// the last error made readable, and its deliveries by state.
/// </summary>
/// <param name="Status">OK, Degraded, Error, Stalled, Disabled or NotPolledYet.</param>
/// <param name="Summary">Why it has that status, in a sentence.</param>
/// <param name="LastSuccessAt">When a poll last succeeded.</param>
/// <param name="LastMailAt">When a mail was last recorded.</param>
/// <param name="FailingSince">When the current run of failed polls began.</param>
/// <param name="NextRetryAt">When a failed poll is tried again.</param>
/// <param name="Error">The last error in plain words.</param>
/// <param name="Hint">What to do about it.</param>
/// <param name="Details">The server's own words behind <paramref name="Error"/>, where it rephrases them.</param>
/// <param name="DeliveryFailures">Failed webhook delivery attempts in a row.</param>
/// <param name="DeliveryFailingSince">When the current run of failed delivery attempts began.</param>
/// <param name="NextDeliveryRetryAt">When the earliest retrying delivery is attempted again.</param>
/// <param name="Deliveries">Deliveries by state.</param>
/// <param name="Polling">What the poll running now does, once it has run a while ("Polling for 40 s: waiting 20 s because the server throttled; 120 mails recorded so far").</param>
/// <param name="Push">The push subscription (Graph change notifications): state, expiry, or why there is none; null when the listener only polls.</param>
internal sealed record ListenerHealthDto(
    ListenerStatus Status, string Summary, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastMailAt, DateTimeOffset? FailingSince,
    DateTimeOffset? NextRetryAt, string? Error, string? Hint, string? Details, int DeliveryFailures, DateTimeOffset? DeliveryFailingSince,
    DateTimeOffset? NextDeliveryRetryAt, DeliveryCounts Deliveries, string? Polling, ListenerPush? Push)
{
    public static ListenerHealthDto Of(EmailListener listener, DateTimeOffset now, DeliveryCounts deliveries)
    {
        var health = ListenerHealth.Describe(listener, now);
        return new(
            health.Status, health.Summary, health.LastSuccessAt, health.LastMessageAt, health.FailingSince, health.NextRetryAt,
            listener.LastError, listener.LastErrorHint, listener.LastErrorDetails, health.DeliveryFailures, health.DeliveryFailingSince, deliveries.NextRetryAt, deliveries, health.Polling,
            ListenerPush.Of(listener));
    }
}
