using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Webhooks;

namespace Credo.Server.Api;

/// <summary>
/// A listener as the API shows it: settings (each protocol's in an object named after it, as <see cref="ListenerRequest"/>
/// takes them, so that this can be sent back), run state and status; never the sync state, and the webhook secret only
/// once: in the answer to the change in which Credo generated it.
/// <c>lastError</c> is the server's own words where there are any; <c>health.error</c> says it in plain words.
/// </summary>
internal sealed record ListenerDto(
    Guid Id, string Name, bool Enabled, string Protocol, string Mailbox, string Folder,
    Guid CredentialId, int PollIntervalSeconds, bool UnreadOnly, string? FromContains, string? SubjectContains, bool OnlyWithAttachments,
    AfterProcessing AfterProcessing, string? MoveToFolder, bool IncludeAttachments, string? WebhookUrl, WebhookFormat WebhookFormat, bool HasWebhookSecret, long Version,
    int? KeepContentDays, ListenerStatus Status, long MessagesReceived, DateTimeOffset? LastPollAt, DateTimeOffset? LastSuccessAt, string? LastError, string? LastErrorHint,
    DateTimeOffset? NextPollAt, ListenerHealthDto Health)
{
    /// <summary>Each protocol's settings, as <c>"ews": {...}</c>, <c>"imap": {...}</c>.</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement> ProtocolSettings { get; init; } = [];

    /// <summary>The signing secret Credo generated in this change (none was typed): shown this once, never again.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookSecret { get; init; }

    public static ListenerDto From(EmailListener l, DateTimeOffset now, DeliveryCounts? deliveries = null) => new(
        l.Id, l.Name, l.Enabled, l.Protocol, l.Mailbox, l.Folder, l.CredentialId, l.PollIntervalSeconds, l.UnreadOnly,
        l.FromContains, l.SubjectContains, l.OnlyWithAttachments, l.AfterProcessing, l.MoveToFolder, l.IncludeAttachments, l.WebhookUrl,
        l.WebhookFormat, l.ProtectedWebhookSecret is not null, l.Version, l.KeepContentDays, ListenerHealth.Of(l, now), l.MessagesReceived, l.LastPollAt, l.LastSuccessAt, l.LastErrorDetails ?? l.LastError,
        l.LastErrorHint, l.NextPollAt, ListenerHealthDto.Of(l, now, deliveries ?? DeliveryCounts.None))
    {
        ProtocolSettings = ProtocolSettingsJson.Write(l.Settings),
    };
}

/// <summary>
/// A received message without its MIME (<c>GET /api/v1/messages/{id}/eml</c> has it until retention removes it:
/// then <see cref="ContentExpired"/> is true and the download answers 410 Gone).
/// </summary>
internal sealed record MessageDto(
    Guid Id, Guid ListenerId, string ItemId, string? InternetMessageId, string? Subject, string? From, string? To, string? Cc,
    DateTimeOffset? ReceivedAt, DateTimeOffset RecordedAt, long Size, string? BodyPreview, bool ContentExpired, DateTimeOffset? ContentExpiredAt)
{
    public static MessageDto Of(ReceivedMessage m) =>
        new(m.Id, m.ListenerId, m.ItemId, m.InternetMessageId, m.Subject, m.From, m.To, m.Cc, m.ReceivedAt, m.RecordedAt, m.Size, m.BodyPreview,
            m.ContentExpired, m.ContentExpiredAt);
}

/// <summary>A webhook delivery without its payload.</summary>
/// <param name="State">As the console shows it: Queued, Retrying (pending after a failed attempt), Delivered, Stopped or Failed.</param>
internal sealed record DeliveryDto(
    Guid Id, Guid MessageId, DeliveryStatus Status, int Attempts, DateTimeOffset? NextAttemptAt, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, string State, DateTimeOffset? LastAttemptAt, string? LastAnswer, DateTimeOffset? ResentAt)
{
    public static DeliveryDto From(WebhookDelivery d) =>
        new(d.Id, d.MessageId, d.Status, d.Attempts, d.NextAttemptAt, d.LastStatusCode, d.LastError, d.CreatedAt, d.DeliveredAt,
            d.State, d.LastAttemptAt, d.LastAnswer, d.ResentAt);
}

/// <summary>
/// A delivery with what it is sent as (<paramref name="ContentType"/> and <paramref name="Body"/>, as the listener's format
/// shapes it now, indented and with attachment contents left out; each attempt adds the <c>webhook-timestamp</c> and
/// <c>webhook-signature</c> of its moment) and its attempts.
/// </summary>
internal sealed record DeliveryDetailDto(DeliveryDto Delivery, string WebhookId, string ContentType, string Body, IReadOnlyList<DeliveryAttemptDto> Attempts)
{
    public static DeliveryDetailDto From(WebhookDelivery d, WebhookFormat format, IReadOnlyList<DeliveryAttempt> attempts)
    {
        var (body, mediaType) = WebhookPayload.Shape(d, format);
        return new(DeliveryDto.From(d), d.MessageId.ToString(), mediaType, WebhookPayload.Readable(body),
            [.. attempts.Select(a => new DeliveryAttemptDto(a.At, a.StatusCode, a.Error, a.Answer, a.DurationMs))]);
    }
}

/// <summary>One attempt: when, the receiver's status (null when it did not answer), why not, the start of its answer, how long it took.</summary>
internal sealed record DeliveryAttemptDto(DateTimeOffset At, int? StatusCode, string? Error, string? Answer, int DurationMs);

/// <summary>How many failed deliveries were queued again.</summary>
internal sealed record ResendFailedDto(int Queued);

/// <summary>The outcome of Test connection, step by step.</summary>
internal sealed record ConnectionTestDto(bool Succeeded, IReadOnlyList<ConnectionStep> Steps);
