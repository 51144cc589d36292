using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Credo.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Webhooks;

/// <summary>
/// Sends the webhook outbox: <c>POST</c> JSON (or a CloudEvent around it) signed as Standard Webhooks says, with
/// <c>webhook-id</c> (the same on every attempt), <c>webhook-timestamp</c> and <c>webhook-signature</c>. 2xx is delivered,
/// 410 stops, anything else is retried with capped exponential back-off for <see cref="ListenerOptions.DeliveryRetention"/>.
/// Up to <see cref="WebhookOptions.MaxConcurrentDeliveries"/> deliveries are sent at a time, over connections the HTTP
/// client keeps open: due deliveries are claimed in one statement as sends become free (<see cref="WebhookOutbox"/>), so two
/// nodes never send one at once, and the outcomes that have come in meanwhile are recorded together, each attempt kept
/// (<see cref="DeliveryAttempt"/>), in one transaction. A claim lasts until its outcome is recorded, so the next attempt of
/// a delivery never overlaps the one before; after a crash, a delivery whose claim has expired is sent again with the same
/// <c>webhook-id</c>. Of the receiver's answer body only the first kilobyte is read, for the snippet the console shows.
/// Every attempt also counts toward the listener's run of delivery failures, which <see cref="ListenerHealth"/> reads.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    ListenerMetrics metrics,
    IOptionsMonitor<ListenerOptions> options,
    IOptionsMonitor<WebhookOptions> webhookOptions,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : TickingService(options, time, logger)
{
    public const string HttpClientName = "Credo.Webhooks";

    // A failed delivery is retried after 5 s, then twice as long each time (with jitter), at most an hour apart.
    private static readonly TimeSpan RetryInitial = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryMax = TimeSpan.FromHours(1);

    // A claim covers the call (at most the webhook timeout) and the wait until its outcome is recorded with others.
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromSeconds(10);

    // While mails are being recorded their deliveries become due a page at a time: after a drain that sent something the
    // dispatcher looks again after this pause rather than a whole tick, so that it follows the recording closely. Looking
    // is one indexed read, which on SQLite never waits for the writer.
    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(50);

    // How long a step waits for more calls to end before it records the outcomes of those that have.
    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);

    private int _lastDrained;

    // Outcomes of calls made, and calls cut short, not yet recorded because a step failed (the database): the next step
    // records them, so that a delivery answered 2xx is not sent again once its claim expires.
    private readonly List<DeliveryOutcome> _unrecorded = [];
    private readonly List<Guid> _unreleased = [];

    protected override async Task TickAsync(CancellationToken stoppingToken)
    {
        _lastDrained = 0;
        _lastDrained = await DrainAsync(stoppingToken);
    }

    protected override Task WaitAsync(CancellationToken stoppingToken) =>
        _lastDrained > 0 && BusyPause < Settings.Tick ? Task.Delay(BusyPause, Time, stoppingToken) : base.WaitAsync(stoppingToken);

    /// <summary>
    /// Sends what is due, and what becomes due meanwhile, until nothing is due and nothing is in flight; returns how many
    /// attempts it recorded. Each step records the outcomes of the calls that have ended and claims due deliveries for
    /// the free sends in one transaction. When stopping, it waits for the calls in flight, records those that were
    /// answered and releases the claims of those cut short, so that they are sent again (with the same <c>webhook-id</c>) at once.
    /// </summary>
    internal async Task<int> DrainAsync(CancellationToken stoppingToken)
    {
        var limit = webhookOptions.CurrentValue.MaxConcurrentDeliveries;
        var sending = new Dictionary<Task<DeliveryOutcome?>, Guid>();
        var recorded = 0;
        try
        {
            while (true)
            {
                TakeEnded(sending);
                var free = stoppingToken.IsCancellationRequested ? 0 : limit - sending.Count;
                var claimed = await StepAsync(_unrecorded, _unreleased, free, stoppingToken);
                recorded += _unrecorded.Count;
                _unrecorded.Clear();
                _unreleased.Clear();
                foreach (var send in claimed)
                {
                    sending.Add(SendAsync(send, stoppingToken), send.Delivery.Id);
                }

                if (sending.Count == 0)
                {
                    break;
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    await Task.WhenAll(sending.Keys.Select(Ignored));
                }
                else if (claimed.Count < free)
                {
                    // With sends free, look again for due deliveries after a tick even while a slow receiver holds the others.
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    await Task.WhenAny(sending.Keys.Cast<Task>().Append(Task.Delay(Settings.Tick, Time, tick.Token)));
                    await tick.CancelAsync();
                }
                else
                {
                    await Task.WhenAny(sending.Keys);
                }

                // Calls to one receiver end close together: the outcomes of those that end within a moment are recorded in
                // one transaction rather than one each, which on SQLite would hold the write lock from the recording engine.
                if (!stoppingToken.IsCancellationRequested && sending.Keys.Any(t => !t.IsCompleted))
                {
                    using var gather = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    await Task.WhenAny(Task.WhenAll(sending.Keys.Select(Ignored)), Task.Delay(GatherWindow, Time, gather.Token));
                    await gather.CancelAsync();
                }
            }
        }
        finally
        {
            // Only when a step failed (the database): the calls in flight end, and their outcomes wait for the next step.
            await Task.WhenAll(sending.Keys.Select(Ignored));
            TakeEnded(sending);
        }

        return recorded;

        static Task Ignored(Task task) => task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // Takes the calls that have ended out of sending: their outcomes, and the deliveries of those the stop cut short, to record.
    private void TakeEnded(Dictionary<Task<DeliveryOutcome?>, Guid> sending)
    {
        var outcomes = _unrecorded;
        var cutShort = _unreleased;
        foreach (var task in sending.Keys.Where(t => t.IsCompleted).ToList())
        {
            if (task.IsCompletedSuccessfully && task.Result is { } outcome)
            {
                outcomes.Add(outcome);
            }
            else if (task.Exception is { } e)
            {
                // A bug, not a receiver's failure: the claim expires and the delivery is tried again.
                LogSendFailed(Logger, sending[task], e.GetBaseException());
            }
            else
            {
                cutShort.Add(sending[task]);
            }

            sending.Remove(task);
        }
    }

    // One transaction: the outcomes recorded (the calls were made, so even while the service stops), the claims of calls
    // cut short released, and up to free due deliveries claimed. Then each claimed call is prepared: the listener's webhook
    // and signing secrets, read once a batch. Whether anything is due is read first, so that an idle dispatcher never takes
    // SQLite's write lock from the engine that records mail.
    private async Task<IReadOnlyList<Send>> StepAsync(List<DeliveryOutcome> outcomes, List<Guid> cutShort, int free, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var outbox = new WebhookOutbox(db);
        var now = Time.GetUtcNow();
        var claim = free > 0 && await outbox.AnyDueAsync(now, CancellationToken.None);
        if (outcomes.Count == 0 && cutShort.Count == 0 && !claim)
        {
            return [];
        }

        IReadOnlyList<Guid> ids = [];
        await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            if (outcomes.Count > 0)
            {
                await outbox.RecordAsync(outcomes, now, CancellationToken.None);
            }

            if (cutShort.Count > 0)
            {
                await outbox.ReleaseAsync(cutShort, CancellationToken.None);
            }

            if (claim)
            {
                ids = await outbox.ClaimAsync(free, now, now + Settings.WebhookTimeout + ClaimMargin, CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        foreach (var outcome in outcomes)
        {
            metrics.Delivery(ListenerMetrics.DeliveryResult(outcome.Status));
        }

        if (ids.Count == 0)
        {
            return [];
        }

        var (deliveries, listeners) = await outbox.LoadAsync(ids, CancellationToken.None);
        var protector = scope.ServiceProvider.GetRequiredService<SecretProtector>();
        var secrets = listeners.Values.ToDictionary(l => l.Id, l => SigningSecrets(l, protector));
        return [.. deliveries.Select(d => new Send(d, listeners.GetValueOrDefault(d.ListenerId), secrets.GetValueOrDefault(d.ListenerId) ?? []))];
    }

    // One call; null when the service stopped during it. Never touches the database: the outcome is recorded with others.
    private async Task<DeliveryOutcome?> SendAsync(Send send, CancellationToken stoppingToken)
    {
        // Off the claiming loop at once, so that preparing one call does not hold up the next.
        await Task.Yield();
        var (delivery, listener, secrets) = send;

        // A delivery is a trace of its own: the request below it carries the W3C traceparent to the receiver.
        Activity.Current = null;
        using var activity = ListenerActivities.Webhooks.StartActivity(ListenerActivities.DeliveryName);
        if (activity is not null)
        {
            activity.SetTag("credo.delivery.id", delivery.MessageId.ToString());
            activity.SetTag("credo.listener.id", delivery.ListenerId.ToString());
            activity.SetTag("credo.delivery.attempt", delivery.Attempts + 1);
        }

        var settings = Settings;
        int? status = null;
        var started = Time.GetTimestamp();
        var sentAt = Time.GetUtcNow();
        string? error = null;
        string? answer = null;
        if (listener?.WebhookUrl is null || listener.ProtectedWebhookSecret is null)
        {
            error = "The listener has no webhook any more.";
        }
        else if (secrets.Count == 0)
        {
            error = "The listener's signing secret cannot be read (its Data Protection key is gone): enter a new one on the listener.";
        }
        else
        {
            try
            {
                using var timeout = new CancellationTokenSource(settings.WebhookTimeout, Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
                var (body, mediaType) = WebhookPayload.Shape(delivery, listener.WebhookFormat);
                using var request = new HttpRequestMessage(HttpMethod.Post, listener.WebhookUrl)
                {
                    Content = new StringContent(body, Encoding.UTF8, mediaType),
                };
                var webhookId = delivery.MessageId.ToString();
                var timestamp = Time.GetUtcNow().ToUnixTimeSeconds();
                request.Headers.Add("webhook-id", webhookId);
                request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("webhook-signature", WebhookSignature.Sign(webhookId, timestamp, body, secrets));
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Credo", "1.0"));
                // Only the status decides the outcome; of the body a kilobyte at most is read for the console, and
                // disposing the rest unread closes the connection rather than buffer whatever the receiver sends (it could
                // be endless) in memory. A short answer read to its end leaves the connection open for the next call.
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                status = (int)response.StatusCode;
                answer = await ReadAnswerAsync(response, linked.Token, stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                error = $"No answer within {settings.WebhookTimeout.TotalSeconds:0} s.";
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (HttpRequestException e)
            {
                error = e.InnerException is Credo.Net.Outbound.OutboundRequestBlockedException blocked ? blocked.Message : e.Message;
            }
        }

        var now = Time.GetUtcNow();
        var outcome = status switch
        {
            >= 200 and < 300 => DeliveryStatus.Delivered,
            410 => DeliveryStatus.Stopped,
            _ when now - (delivery.ResentAt ?? delivery.CreatedAt) >= settings.DeliveryRetention => DeliveryStatus.Failed,
            _ => DeliveryStatus.Pending,
        };
        var next = now + Backoff.Delay(delivery.Attempts + 1, RetryInitial, RetryMax, retryAfter: null);
        var duration = (int)Math.Min(int.MaxValue, Time.GetElapsedTime(started).TotalMilliseconds);
        var result = ListenerMetrics.DeliveryResult(outcome);
        if (activity is not null)
        {
            activity.SetTag("credo.delivery.result", result);
            if (status is { } code)
            {
                activity.SetTag("http.response.status_code", code);
            }

            if (outcome != DeliveryStatus.Delivered)
            {
                activity.SetTag("error.type", status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no_answer");
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        LogDelivered(Logger, delivery.Id, listener?.WebhookUrl is { } url ? new Uri(url).Host : "(none)", status, outcome.ToString());
        return new DeliveryOutcome(delivery.Id, delivery.ListenerId, outcome, status, error, answer, sentAt, duration, next);
    }

    // The listener's secret and, for the overlap after a change, the one before it, so receivers can switch without losing
    // one; none when the current one cannot be read (then nothing is sent, rather than signed with the old secret alone).
    private List<string> SigningSecrets(EmailListener listener, SecretProtector protector)
    {
        if (listener.ProtectedWebhookSecret is null || protector.TryUnprotectWebhookSecret(listener.ProtectedWebhookSecret) is not { } current)
        {
            return [];
        }

        var secrets = new List<string> { current };
        if (listener.ProtectedPreviousWebhookSecret is { } previous && Time.GetUtcNow() - listener.WebhookSecretChangedAt < webhookOptions.CurrentValue.SecretOverlap
            && protector.TryUnprotectWebhookSecret(previous) is { } before)
        {
            secrets.Add(before);
        }

        return secrets;
    }

    private static async Task<string?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken readToken, CancellationToken stoppingToken)
    {
        try
        {
            return await WebhookAnswer.ReadAsync(response.Content, readToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            // The status already decided the outcome; an answer cut short only has no snippet.
            return null;
        }
    }

    [LoggerMessage(2404, LogLevel.Information, "Webhook delivery {DeliveryId} to {Host}: HTTP {Status}, {Outcome}")]
    private static partial void LogDelivered(ILogger logger, Guid deliveryId, string host, int? status, string outcome);

    [LoggerMessage(2409, LogLevel.Error, "Webhook delivery {DeliveryId} could not be sent; it is tried again when its claim expires")]
    private static partial void LogSendFailed(ILogger logger, Guid deliveryId, Exception exception);

    /// <summary>A claimed delivery with what its call needs: the listener (none when deleted meanwhile) and its signing secrets.</summary>
    private sealed record Send(WebhookDelivery Delivery, EmailListener? Listener, IReadOnlyList<string> Secrets);
}
