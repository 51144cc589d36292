using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using MimeKit;

namespace Credo.Core.Webhooks;

/// <summary>The JSON of a webhook delivery and its signature (documented in the README).</summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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

    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>.</summary>
    public static string Signature(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var t = unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string[] Split(string? list) => string.IsNullOrEmpty(list) ? [] : list.Split(", ", StringSplitOptions.RemoveEmptyEntries);
}
