namespace Credo.Core.Messages;

/// <summary>A mail a listener recorded. (<see cref="ListenerId"/>, <see cref="DedupeKey"/>) is unique: nothing is recorded twice.</summary>
public sealed class ReceivedMessage
{
    /// <summary>Identifier; also the webhook's <c>webhook-id</c>.</summary>
    public Guid Id { get; set; }

    /// <summary>The listener.</summary>
    public Guid ListenerId { get; set; }

    /// <summary>Internet-Message-Id, or the EWS ItemId where there is none.</summary>
    public string DedupeKey { get; set; } = "";

    /// <summary>The EWS ItemId when it was recorded.</summary>
    public string ItemId { get; set; } = "";

    /// <summary>Internet-Message-Id.</summary>
    public string? InternetMessageId { get; set; }

    /// <summary>From.</summary>
    public string? From { get; set; }

    /// <summary>To, comma-separated.</summary>
    public string? To { get; set; }

    /// <summary>Cc, comma-separated.</summary>
    public string? Cc { get; set; }

    /// <summary>Subject.</summary>
    public string? Subject { get; set; }

    /// <summary>When the mailbox received it.</summary>
    public DateTimeOffset? ReceivedAt { get; set; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; set; }

    /// <summary>Attachments as JSON: name, content type, size.</summary>
    public string Attachments { get; set; } = "[]";

    /// <summary>The first characters of the text body.</summary>
    public string? BodyPreview { get; set; }

    /// <summary>The full MIME; empty once <see cref="ContentExpiredAt"/> is set.</summary>
    public byte[] Mime { get; set; } = [];

    /// <summary>When retention removed the MIME (<c>Credo:Retention:MimeDays</c>); the metadata above stays.</summary>
    public DateTimeOffset? ContentExpiredAt { get; set; }

    /// <summary>Whether the MIME was removed by retention.</summary>
    public bool ContentExpired => ContentExpiredAt is not null;

    /// <summary>When Credo recorded it.</summary>
    public DateTimeOffset RecordedAt { get; set; }
}
