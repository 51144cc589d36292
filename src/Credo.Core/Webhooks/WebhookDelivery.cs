namespace Credo.Core.Webhooks;

/// <summary>An outbox entry: the webhook call for one received message, written in the same transaction as the message.</summary>
public sealed class WebhookDelivery
{
    /// <summary>Identifier of this delivery row.</summary>
    public Guid Id { get; set; }

    /// <summary>The received message; its id is the stable <c>webhook-id</c>.</summary>
    public Guid MessageId { get; set; }

    /// <summary>The listener.</summary>
    public Guid ListenerId { get; set; }

    /// <summary>The JSON body.</summary>
    public string Payload { get; set; } = "";

    /// <summary>Status.</summary>
    public DeliveryStatus Status { get; set; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Until when a node works on it (so two nodes never send it at once).</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>The last HTTP status, if the receiver answered.</summary>
    public int? LastStatusCode { get; set; }

    /// <summary>The last error, readable: why there was no usable answer (a timeout, a refused connection), or the status.</summary>
    public string? LastError { get; set; }

    /// <summary>The start of the receiver's last answer body: capped, control characters removed, for the console.</summary>
    public string? LastAnswer { get; set; }

    /// <summary>When it was last attempted.</summary>
    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>When it was last resent from the console or API; retries run for the retention from then, <see cref="CreatedAt"/> stays.</summary>
    public DateTimeOffset? ResentAt { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was delivered.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>
    /// Its state as operators read it, the same in the console, the API and the CLI: Queued, Retrying (pending after a
    /// failed attempt), Delivered, Stopped or Failed. Not stored.
    /// </summary>
    public string State => Status switch
    {
        DeliveryStatus.Pending when Attempts > 0 => "Retrying",
        DeliveryStatus.Pending => "Queued",
        var status => status.ToString(),
    };
}
