namespace Credo.Core.Webhooks;

/// <summary>One attempt to send a <see cref="WebhookDelivery"/>: when, what came of it, and how long it took. Removed with its delivery.</summary>
public sealed class DeliveryAttempt
{
    /// <summary>Identifier, in the order attempts were made.</summary>
    public long Id { get; set; }

    /// <summary>The delivery.</summary>
    public Guid DeliveryId { get; set; }

    /// <summary>When it was sent.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The receiver's HTTP status, if it answered.</summary>
    public int? StatusCode { get; set; }

    /// <summary>Why there was no usable answer (a timeout, a refused connection), readable.</summary>
    public string? Error { get; set; }

    /// <summary>The start of the receiver's answer body: capped, control characters removed.</summary>
    public string? Answer { get; set; }

    /// <summary>From sending the request to the answer's status (or the failure), in milliseconds.</summary>
    public int DurationMs { get; set; }
}
