using System.Diagnostics;
using System.Diagnostics.Metrics;
using Credo.Core.Listeners.Sources;
using Credo.Core.Webhooks;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// The <c>Credo.Listeners</c> meter: polls, mails recorded, retry waits, webhook deliveries, and gauges of listeners by
/// status and of the webhook outbox. Tags are low-cardinality only (protocol, result, status): never a listener,
/// mailbox or credential.
/// </summary>
internal sealed class ListenerMetrics
{
    private readonly Counter<long> _polls;
    private readonly Histogram<double> _pollDuration;
    private readonly Histogram<double> _pollLag;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _throttleWaits;
    private readonly Counter<double> _throttleSeconds;
    private readonly Counter<long> _pushNotifications;
    private readonly Counter<long> _pushDropped;
    private readonly Counter<long> _pushSubscriptions;
    private readonly Histogram<double> _pushToRecorded;

    public ListenerMetrics(IMeterFactory meterFactory, ListenerGauges gauges)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(gauges);
        var meter = meterFactory.Create("Credo.Listeners");
        _polls = meter.CreateCounter<long>("credo.listener.polls", "{poll}", "Listener polls, by protocol and result.");
        _pollDuration = meter.CreateHistogram<double>(
            "credo.listener.poll.duration",
            "s",
            "Duration of listener polls, by protocol and result.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _pollLag = meter.CreateHistogram<double>(
            "credo.listener.poll.lag",
            "s",
            "How late polls start after their listener was due, by protocol: a node that cannot keep up shows here first.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _messages = meter.CreateCounter<long>("credo.listener.messages", "{message}", "Mails recorded, by protocol.");
        _deliveries = meter.CreateCounter<long>("credo.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by result.");
        _throttleWaits = meter.CreateCounter<long>("credo.listener.retry.waits", "{wait}", "Mail-source requests that waited after throttling or a fault and were retried, by protocol.");
        _throttleSeconds = meter.CreateCounter<double>("credo.listener.retry.wait_time", "s", "Time spent waiting before retrying mail-source requests, by protocol.");
        _pushNotifications = meter.CreateCounter<long>(
            "credo.push.notifications", "{notification}", "Push notifications received (Graph change notifications and lifecycle events), by kind; rejected ones name no known subscription or a wrong client state.");
        _pushDropped = meter.CreateCounter<long>(
            "credo.push.notifications.dropped", "{notification}", "Push notifications dropped before they were queued, by reason: a subscription no listener has, or more than its rate.");
        _pushSubscriptions = meter.CreateCounter<long>(
            "credo.push.subscription.changes", "{change}", "Push subscriptions created, renewed, reauthorized, ended or failed, by action.");
        _pushToRecorded = meter.CreateHistogram<double>(
            "credo.push.notification_to_recorded",
            "s",
            "Time from a change notification to the first mail its listener recorded after it, on the node that holds the listener.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });
        meter.CreateObservableGauge("credo.push.subscriptions", gauges.PushSubscriptions, "{subscription}", "Listeners' push subscriptions by state (Active, Reauthorizing, Failing).");
        meter.CreateObservableGauge("credo.listeners", gauges.Listeners, "{listener}", "Listeners by status (OK, Error, Stalled, Disabled, ...).");
        meter.CreateObservableGauge("credo.webhook.outbox.pending", gauges.PendingDeliveries, "{delivery}", "Webhook deliveries waiting to be sent or retried.");
        meter.CreateObservableGauge("credo.webhook.outbox.oldest_pending.age", gauges.OldestPendingAge, "s", "Age of the oldest pending webhook delivery (0 when none is pending).");
    }

    /// <summary>Counts a push notification by kind (<c>created</c>, <c>missed</c>, <c>reauthorizationRequired</c>, <c>subscriptionRemoved</c>, <c>rejected</c>).</summary>
    public void PushNotification(string kind) => _pushNotifications.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Counts a push notification dropped before it was queued, by reason (<c>unknown_subscription</c>, <c>rate_limited</c>).</summary>
    public void PushDropped(string reason) => _pushDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a change of a push subscription by action (<c>created</c>, <c>renewed</c>, <c>reauthorized</c>, <c>ended</c>, <c>failed</c>).</summary>
    public void PushSubscriptionChanged(string action) => _pushSubscriptions.Add(1, new KeyValuePair<string, object?>("action", action));

    /// <summary>Observes the time from a change notification to the first mail recorded after it.</summary>
    public void NotifiedToRecorded(TimeSpan waited) => _pushToRecorded.Record(waited.TotalSeconds);

    /// <summary>The result tag of a poll: <c>success</c>, or the kind of the error that ended it.</summary>
    public static string PollResult(MailError? error) => error?.Kind switch
    {
        null => "success",
        MailErrorKind.Throttled => "throttled",
        MailErrorKind.Transient => "transient",
        MailErrorKind.InvalidSyncState => "invalid_sync_state",
        _ => "permanent",
    };

    /// <summary>The result tag of a delivery attempt.</summary>
    public static string DeliveryResult(DeliveryStatus outcome) => outcome switch
    {
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Stopped => "stopped",
        DeliveryStatus.Failed => "failed",
        _ => "retry",
    };

    public void Polled(string protocol, string result, TimeSpan duration)
    {
        var tags = new TagList { { "protocol", protocol }, { "result", result } };
        _polls.Add(1, tags);
        _pollDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Observes how late a poll started after its listener was due (a poll started early counts as on time).</summary>
    public void PollLag(string protocol, TimeSpan lag) =>
        _pollLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("protocol", protocol));

    public void Recorded(string protocol, int count) => _messages.Add(count, new KeyValuePair<string, object?>("protocol", protocol));

    public void Throttled(string protocol, int waits, TimeSpan waited)
    {
        var tag = new KeyValuePair<string, object?>("protocol", protocol);
        _throttleWaits.Add(waits, tag);
        _throttleSeconds.Add(waited.TotalSeconds, tag);
    }

    public void Delivery(string result) => _deliveries.Add(1, new KeyValuePair<string, object?>("result", result));
}
