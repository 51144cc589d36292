namespace Credo.Core.Webhooks;

/// <summary>Where a webhook delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>The receiver answered 410 Gone: no more attempts.</summary>
    Stopped,

    /// <summary>Retried for 24 hours without success.</summary>
    Failed,
}
