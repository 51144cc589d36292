namespace Credo.Core.Webhooks;

/// <summary>What came of one attempt to send a delivery, waiting to be recorded with others by <see cref="WebhookOutbox.RecordAsync"/>.</summary>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="ListenerId">Its listener, whose run of delivery failures the attempt counts toward.</param>
/// <param name="Status">The delivery's status after this attempt.</param>
/// <param name="StatusCode">The receiver's HTTP status, if it answered.</param>
/// <param name="Error">Why there was no usable answer, readable.</param>
/// <param name="Answer">The start of the receiver's answer body.</param>
/// <param name="SentAt">When the attempt was sent.</param>
/// <param name="DurationMs">From sending to the answer's status (or the failure).</param>
/// <param name="NextAttemptAt">When the next attempt is due, for a delivery still <see cref="DeliveryStatus.Pending"/>.</param>
internal sealed record DeliveryOutcome(
    Guid DeliveryId, Guid ListenerId, DeliveryStatus Status, int? StatusCode, string? Error, string? Answer, DateTimeOffset SentAt, int DurationMs, DateTimeOffset NextAttemptAt);
