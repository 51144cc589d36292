using Credo.Core.Listeners;

namespace Credo.Server.Hooks;

/// <summary>Acts on the queued Graph notifications one by one, each in its own scope (<see cref="PushNotifications"/>).</summary>
internal sealed class GraphNotificationWorker(GraphNotificationQueue queue, IServiceScopeFactory scopes, ILogger<GraphNotificationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in queue.Pending.ReadAllAsync(stoppingToken))
            {
                queue.Taken(notification);
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PushNotifications>()
                        .ReceiveAsync(notification.SubscriptionId, notification.ClientState, notification.Event, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The listener polls at its interval anyway; the next notification may go through.
                    Log.NotificationFailed(logger, notification.SubscriptionId, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is dropped; the polls that follow find the mail.
        }
    }
}
