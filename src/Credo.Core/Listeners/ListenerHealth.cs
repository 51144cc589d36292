using Credo.Core.Text;

namespace Credo.Core.Listeners;

/// <summary>Derives <see cref="ListenerStatus"/> from what the engine and the webhook dispatcher wrote, so that every surface shows the same state.</summary>
public static class ListenerHealth
{
    /// <summary>The shortest time without a successful poll that counts as stalled.</summary>
    public static readonly TimeSpan MinStallTime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failed delivery attempts in a row (over all of a listener's deliveries) that make it <see cref="ListenerStatus.Degraded"/>:
    /// one failure is often a receiver restarting, three (the first retries come after 5, 10 and 20 s) is a receiver that is down.
    /// </summary>
    public const int DegradedAfterDeliveryFailures = 3;

    /// <summary>A status as every surface names it: OK, Degraded, Error, Stalled, Disabled, Not polled yet.</summary>
    public static string Label(ListenerStatus status) => status == ListenerStatus.NotPolledYet ? "Not polled yet" : status.ToString();

    /// <summary>
    /// The status of <paramref name="listener"/> at <paramref name="now"/>, most urgent first: Disabled, Stalled, Error, Degraded.
    /// Stalled wins over Error: a listener that has made no progress for three intervals needs attention whether or not its
    /// last poll reported why. Error wins over Degraded: without polls there is nothing to deliver.
    /// </summary>
    public static ListenerStatus Of(EmailListener listener, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (!listener.Enabled)
        {
            return ListenerStatus.Disabled;
        }

        if (now - (listener.LastSuccessAt ?? listener.CreatedAt) > StallTime(listener))
        {
            return ListenerStatus.Stalled;
        }

        return listener.LastError is not null ? ListenerStatus.Error
            : listener.DeliveryFailures >= DegradedAfterDeliveryFailures || (listener.PushError is not null && listener.LastSuccessAt is not null) ? ListenerStatus.Degraded
            : listener.LastSuccessAt is not null ? ListenerStatus.OK
            : ListenerStatus.NotPolledYet;
    }

    /// <summary>The status of <paramref name="listener"/> with the times that explain it.</summary>
    public static ListenerHealthReport Describe(EmailListener listener, DateTimeOffset now)
    {
        var status = Of(listener, now);
        var failing = status is ListenerStatus.Error or ListenerStatus.Stalled && listener.LastError is not null;
        return new ListenerHealthReport(
            status,
            Summary(listener, status, now),
            listener.LastSuccessAt,
            listener.LastMessageAt,
            failing ? listener.FailingSince ?? listener.LastPollAt : null,
            failing && listener.NextPollAt > now ? listener.NextPollAt : null,
            listener.DeliveryFailures,
            listener.DeliveryFailures > 0 ? listener.DeliveryFailingSince : null,
            Polling(listener, now));
    }

    /// <summary>
    /// What the poll running now does, as its node last published it ("Polling for 40 s: waiting 20 s because the server
    /// throttled; 120 mails recorded so far"); null between polls, for a poll too short to be published, and once the node
    /// that ran it stopped renewing its lease.
    /// </summary>
    public static string? Polling(EmailListener listener, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return listener is { Enabled: true, PollStartedAt: { } started, PollActivity: { } activity } && listener.LeaseExpiresAt > now
            ? $"Polling for {RelativeTime.Span(now - started)}: {activity}"
            : null;
    }

    /// <summary>How long without a successful poll makes <paramref name="listener"/> stalled.</summary>
    public static TimeSpan StallTime(EmailListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var stallAfter = TimeSpan.FromSeconds(3.0 * listener.PollIntervalSeconds);
        return stallAfter > MinStallTime ? stallAfter : MinStallTime;
    }

    private static string Summary(EmailListener listener, ListenerStatus status, DateTimeOffset now) => status switch
    {
        ListenerStatus.Disabled => "Switched off; not polled.",
        ListenerStatus.NotPolledYet => "Added; the first poll is due.",
        ListenerStatus.Stalled => (listener.LastSuccessAt is { } success
            ? $"No successful poll for {RelativeTime.Span(now - success)} (stalled after {RelativeTime.Span(StallTime(listener))})."
            : $"No successful poll since it was added {RelativeTime.Span(now - listener.CreatedAt)} ago.")
            + (listener.LastError is { } error ? $" Last error: {error}" : ""),
        ListenerStatus.Error => $"The last poll failed ({listener.ConsecutiveFailures} in a row).",
        ListenerStatus.Degraded when listener.DeliveryFailures >= DegradedAfterDeliveryFailures => $"Polls succeed, but the last {listener.DeliveryFailures} webhook delivery attempts failed.",
        ListenerStatus.Degraded => $"Polls succeed, but change notifications cannot be set up, so new mail waits for the next poll: {listener.PushError}",
        _ => "Polls succeed" + (listener.WebhookUrl is null ? "." : " and webhooks are delivered."),
    };
}
