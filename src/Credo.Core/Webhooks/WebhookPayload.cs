using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using MimeKit;

namespace Credo.Core.Webhooks;

/// <summary>The JSON of a webhook delivery, and the body it is sent as (documented in the README).</summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body for <paramref name="message"/>; attachment contents are included when allowed and the mail is within the size limit.</summary>
    public static string Build(EmailListener listener, ReceivedMessage message, MimeMessage mime, bool includeAttachmentContent)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(mime);
        var attachments = mime.Attachments.OfType<MimePart>().Select(part =>
        {
            using var content = new MemoryStream();
            part.Content?.DecodeTo(content);
            return new
            {
                name = part.FileName,
                contentType = part.ContentType.MimeType,
                size = content.Length,
                contentBase64 = includeAttachmentContent ? Convert.ToBase64String(content.GetBuffer(), 0, (int)content.Length) : null,
            };
        }).ToList();
        return JsonSerializer.Serialize(new
        {
            deliveryId = message.Id,
            listener = new { id = listener.Id, name = listener.Name, mailbox = listener.Mailbox },
            message = new
            {
                id = message.Id,
                itemId = message.ItemId,
                internetMessageId = message.InternetMessageId,
                from = message.From,
                to = Split(message.To),
                cc = Split(message.Cc),
                subject = message.Subject,
                receivedAt = message.ReceivedAt,
                size = message.Size,
                bodyPreview = message.BodyPreview,
                attachmentsIncluded = includeAttachmentContent,
                attachments,
            },
            recordedAt = message.RecordedAt,
        }, Json);
    }

    /// <summary>What the CloudEvents format names a delivery's event.</summary>
    public const string CloudEventType = "credo.mail.received";

    /// <summary>
    /// The body and media type <paramref name="delivery"/> is sent with in <paramref name="format"/>: the stored JSON, or a
    /// CloudEvents 1.0 structured event around it (<c>id</c> the <c>webhook-id</c>, <c>source</c> <c>/listeners/{id}</c>,
    /// <c>subject</c> the Internet-Message-Id, <c>time</c> when the mail was recorded). The same on every attempt.
    /// </summary>
    public static (string Body, string MediaType) Shape(WebhookDelivery delivery, WebhookFormat format)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (format != WebhookFormat.CloudEvents)
        {
            return (delivery.Payload, "application/json");
        }

        using var payload = JsonDocument.Parse(delivery.Payload);
        var message = payload.RootElement.GetProperty("message");
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = delivery.MessageId.ToString(),
            Source = new Uri($"/listeners/{delivery.ListenerId}", UriKind.Relative),
            Type = CloudEventType,
            Time = delivery.CreatedAt,
            Subject = Text(message, "internetMessageId") ?? Text(message, "itemId"),
            DataContentType = "application/json",
            Data = payload.RootElement.Clone(),
        };
        var body = new JsonEventFormatter().EncodeStructuredModeMessage(cloudEvent, out _);
        return (Encoding.UTF8.GetString(body.Span), "application/cloudevents+json");

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>
    /// <paramref name="body"/> indented for reading, with each attachment's <c>contentBase64</c> replaced by its length: a
    /// delivery's page shows what was sent without megabytes of attachment content.
    /// </summary>
    public static string Readable(string body)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body);
        Elide(node);
        return node?.ToJsonString(Indented) ?? "null";

        static void Elide(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        if (name == "contentBase64" && value is System.Text.Json.Nodes.JsonValue text && text.TryGetValue<string>(out var content))
                        {
                            obj[name] = $"({content.Length:N0} characters of base64, not shown)";
                        }
                        else
                        {
                            Elide(value);
                        }
                    }

                    break;
                case System.Text.Json.Nodes.JsonArray array:
                    foreach (var item in array)
                    {
                        Elide(item);
                    }

                    break;
            }
        }
    }

    private static string[] Split(string? list) => string.IsNullOrEmpty(list) ? [] : list.Split(", ", StringSplitOptions.RemoveEmptyEntries);
}
