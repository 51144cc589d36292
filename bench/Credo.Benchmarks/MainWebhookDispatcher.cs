using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Credo.Core.Webhooks;
using Credo.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Benchmarks;

/// <summary>
/// The webhook dispatcher as it was before issue 27 (commit 1d110d8), kept for the <c>outbox</c> run's side-by-side
/// reference: one delivery at a time, about six statements each. Not used by the product.
/// </summary>
internal sealed partial class MainWebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    ListenerMetrics metrics,
    IOptionsMonitor<ListenerOptions> options,
    IOptionsMonitor<WebhookOptions> webhookOptions,
    TimeProvider time,
    ILogger<MainWebhookDispatcher> logger) : TickingService(options, time, logger)
{
    private const string HttpClientName = WebhookDispatcher.HttpClientName;

    // A failed delivery is retried after 5 s, then twice as long each time (with jitter), at most an hour apart.
    private static readonly TimeSpan RetryInitial = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryMax = TimeSpan.FromHours(1);

    protected override async Task TickAsync(CancellationToken stoppingToken)
    {
        // Keep sending while there is a backlog; wait a tick only when nothing was due.
        while (await SendDueAsync(stoppingToken) > 0 && !stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<int> SendDueAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var now = Time.GetUtcNow();
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => d.Id)
            .Take(20)
            .ToListAsync(stoppingToken);
        var sent = 0;
        foreach (var id in due)
        {
            var claimUntil = Time.GetUtcNow() + Settings.WebhookTimeout + TimeSpan.FromSeconds(5);
            var claimed = await db.WebhookDeliveries
                .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedUntil, claimUntil), stoppingToken);
            if (claimed == 1)
            {
                await SendAsync(db, scope.ServiceProvider.GetRequiredService<SecretProtector>(), id, stoppingToken);
                sent++;
            }
        }

        return sent;
    }

    private async Task SendAsync(CredoDbContext db, SecretProtector protector, Guid id, CancellationToken stoppingToken)
    {
        // A delivery is a trace of its own: the request below it carries the W3C traceparent to the receiver.
        Activity.Current = null;
        using var activity = ListenerActivities.Webhooks.StartActivity(ListenerActivities.DeliveryName);
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == id, stoppingToken);
        if (activity is not null)
        {
            activity.SetTag("credo.delivery.id", delivery.MessageId.ToString());
            activity.SetTag("credo.listener.id", delivery.ListenerId.ToString());
            activity.SetTag("credo.delivery.attempt", delivery.Attempts + 1);
        }

        var listener = await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.Id == delivery.ListenerId, stoppingToken);
        var settings = Settings;
        int? status = null;
        var started = Time.GetTimestamp();
        var sentAt = Time.GetUtcNow();
        string? error = null;
        string? answer = null;
        var secrets = listener is null ? [] : SigningSecrets(listener, protector);
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
                // be endless) in memory.
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                status = (int)response.StatusCode;
                answer = await ReadAnswerAsync(response, linked.Token, stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                error = $"No answer within {settings.WebhookTimeout.TotalSeconds:0} s.";
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
        var attempts = delivery.Attempts + 1;
        var next = now + Backoff.Delay(attempts, RetryInitial, RetryMax, retryAfter: null);
        var duration = (int)Math.Min(int.MaxValue, Time.GetElapsedTime(started).TotalMilliseconds);
        // The request was sent: its outcome is written even while the service stops.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var updated = await db.WebhookDeliveries.Where(d => d.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, outcome)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.LastStatusCode, status)
            .SetProperty(d => d.LastError, error)
            .SetProperty(d => d.LastAnswer, answer)
            .SetProperty(d => d.LastAttemptAt, now)
            .SetProperty(d => d.NextAttemptAt, next)
            .SetProperty(d => d.DeliveredAt, outcome == DeliveryStatus.Delivered ? now : null)
            .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (updated == 1)
        {
            // Not for a delivery deleted meanwhile (with its listener, or by retention).
            db.DeliveryAttempts.Add(new DeliveryAttempt { DeliveryId = id, At = sentAt, StatusCode = status, Error = error, Answer = answer, DurationMs = duration });
            await db.SaveChangesAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(CancellationToken.None);
        await RecordListenerHealthAsync(db, delivery.ListenerId, outcome == DeliveryStatus.Delivered, now, stoppingToken);
        var result = ListenerMetrics.DeliveryResult(outcome);
        metrics.Delivery(result);
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

    // A run of failed attempts over all of the listener's deliveries, so that a receiver that is down shows on the listener.
    private static Task<int> RecordListenerHealthAsync(CredoDbContext db, Guid listenerId, bool delivered, DateTimeOffset now, CancellationToken cancellationToken) =>
        delivered
            ? db.EmailListeners.Where(l => l.Id == listenerId && (l.DeliveryFailures != 0 || l.DeliveryFailingSince != null)).ExecuteUpdateAsync(u => u
                .SetProperty(l => l.DeliveryFailures, 0)
                .SetProperty(l => l.DeliveryFailingSince, (DateTimeOffset?)null), cancellationToken)
            : db.EmailListeners.Where(l => l.Id == listenerId).ExecuteUpdateAsync(u => u
                .SetProperty(l => l.DeliveryFailures, l => l.DeliveryFailures + 1)
                .SetProperty(l => l.DeliveryFailingSince, l => l.DeliveryFailingSince ?? now), cancellationToken);

    [LoggerMessage(LogLevel.Information, "Webhook delivery {DeliveryId} to {Host}: HTTP {Status}, {Outcome}")]
    private static partial void LogDelivered(ILogger logger, Guid deliveryId, string host, int? status, string outcome);
}
