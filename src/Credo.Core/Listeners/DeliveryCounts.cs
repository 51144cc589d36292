namespace Credo.Core.Listeners;

/// <summary>A listener's webhook deliveries by state (<see cref="Webhooks.DeliveryService.CountsAsync"/>).</summary>
/// <param name="Queued">Waiting for their first attempt.</param>
/// <param name="Retrying">Attempted, failed, and waiting for the next attempt.</param>
/// <param name="Delivered">The receiver answered 2xx.</param>
/// <param name="Stopped">The receiver answered 410.</param>
/// <param name="Failed">Retried for the whole retry period without success.</param>
/// <param name="NextRetryAt">When the earliest retrying delivery is attempted again.</param>
public sealed record DeliveryCounts(int Queued, int Retrying, int Delivered, int Stopped, int Failed, DateTimeOffset? NextRetryAt)
{
    /// <summary>No deliveries.</summary>
    public static DeliveryCounts None { get; } = new(0, 0, 0, 0, 0, null);
}
