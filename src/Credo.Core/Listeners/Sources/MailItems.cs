using MimeKit;
using MimeKit.Utils;

namespace Credo.Core.Listeners.Sources;

/// <summary>Builds a <see cref="MailItem"/> from the MIME a server gave, for sources whose listing says little about a mail (IMAP, POP3).</summary>
public static class MailItems
{
    /// <summary>
    /// The item <paramref name="itemId"/> whose MIME is <paramref name="mime"/>: Message-ID, sender, recipients and subject
    /// from its headers; what the server told (<paramref name="receivedAt"/>, <paramref name="size"/>,
    /// <paramref name="hasAttachments"/>) where it told it, else from the MIME.
    /// </summary>
    public static MailItem FromMime(string itemId, byte[] mime, bool isRead, DateTimeOffset? receivedAt = null, long? size = null, bool? hasAttachments = null)
    {
        ArgumentNullException.ThrowIfNull(mime);
        HeaderList headers;
        using (var stream = new MemoryStream(mime, writable: false))
        {
            headers = HeaderList.Load(stream);
        }

        return new MailItem(
            itemId,
            headers[HeaderId.MessageId]?.Trim() is { Length: > 0 } messageId ? messageId : null,
            Addresses(headers[HeaderId.From]).FirstOrDefault(),
            Addresses(headers[HeaderId.To]),
            Addresses(headers[HeaderId.Cc]),
            headers[HeaderId.Subject],
            receivedAt ?? (DateUtils.TryParse(headers[HeaderId.Date], out var date) ? date : null),
            size ?? mime.Length,
            hasAttachments ?? HasAttachments(mime),
            isRead,
            mime);
    }

    private static bool HasAttachments(byte[] mime)
    {
        using var stream = new MemoryStream(mime, writable: false);
        using var message = MimeMessage.Load(stream);
        return message.Attachments.Any();
    }

    private static List<string> Addresses(string? header) =>
        header is not null && InternetAddressList.TryParse(header, out var list) ? [.. list.Select(a => a.ToString())] : [];
}
