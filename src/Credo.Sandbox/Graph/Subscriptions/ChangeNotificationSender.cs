using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Credo.Sandbox.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// Posts the queued change notifications and lifecycle events. What is queued together is sent together: one
/// <c>{"value":[...]}</c> per subscription and kind, at most <see cref="MaxBatch"/> at a time. Each post runs on its own,
/// so a slow or failing endpoint delays only its own notifications; a failed one (no answer, a timeout or not
/// <c>2xx</c>) is tried again after 0.5, 1 and 2 seconds, then given up and counted as failed. A change notification
/// whose subscription was deleted or expired meanwhile is dropped, as Graph drops it.
/// </summary>
internal sealed class ChangeNotificationSender(
    NotificationQueue queue,
    SandboxSubscriptions subscriptions,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<ChangeNotificationSender> logger) : BackgroundService
{
    /// <summary>The named <see cref="HttpClient"/> of the validation requests and notifications, with their timeout.</summary>
    public const string HttpClientName = "Credo.Sandbox.GraphNotifications";

    public const int MaxAttempts = 4;
    public const int MaxBatch = 100;
    private const int MaxConcurrentPosts = 8;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _posts = new(MaxConcurrentPosts);
    private readonly ConcurrentDictionary<Task, byte> _sending = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                try
                {
                    var batch = new List<PendingNotification>();
                    while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next))
                    {
                        batch.Add(next);
                    }

                    foreach (var group in batch.GroupBy(n => (n.Subscription, n.IsLifecycle)))
                    {
                        Track(SendAsync([.. group], stoppingToken));
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.NotificationBatchFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is not sent.
        }

        await Task.WhenAll(_sending.Keys);
    }

    public override void Dispose()
    {
        _posts.Dispose();
        base.Dispose();
    }

    private void Track(Task sending)
    {
        _sending.TryAdd(sending, 0);
        _ = sending.ContinueWith(t => _sending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task SendAsync(IReadOnlyList<PendingNotification> notifications, CancellationToken stoppingToken)
    {
        var subscription = notifications[0].Subscription;
        var lifecycle = notifications[0].IsLifecycle;
        var url = notifications[0].Url;
        var delay = FirstRetryDelay;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // A lifecycle event outlives its subscription (subscriptionRemoved is the last word on it); a change does not.
                if (!lifecycle && !subscriptions.IsLive(subscription))
                {
                    return;
                }

                var failure = await PostAsync(url, SubscriptionJson.Notifications(notifications), stoppingToken);
                if (failure is null)
                {
                    subscription.CountSent(lifecycle, notifications.Count);
                    return;
                }

                if (attempt == MaxAttempts)
                {
                    subscription.CountFailed(lifecycle, notifications.Count);
                    Log.NotificationGivenUp(logger, notifications.Count, subscription.Id, url, attempt, failure);
                    return;
                }

                subscription.CountFailedAttempt();
                Log.NotificationRetried(logger, notifications.Count, subscription.Id, url, failure, delay);
                await Task.Delay(delay, time, stoppingToken);
                delay *= 2;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            subscription.CountFailed(lifecycle, notifications.Count);
            Log.NotificationBatchFailed(logger, e);
        }
    }

    /// <summary>Posts one body; <see langword="null"/> when the endpoint answered <c>2xx</c>, else what went wrong.</summary>
    private async Task<string?> PostAsync(Uri url, byte[] body, CancellationToken stoppingToken)
    {
        await _posts.WaitAsync(stoppingToken);
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await client.PostAsync(url, content, stoppingToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return "no answer within the timeout";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        finally
        {
            _posts.Release();
        }
    }
}
