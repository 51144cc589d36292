namespace Credo.Core.Listeners.Sources;

/// <summary>A fetched mail.</summary>
/// <param name="ItemId">The source's id of the item.</param>
/// <param name="InternetMessageId">The Message-ID header, if any.</param>
/// <param name="From">The sender, readable.</param>
/// <param name="To">The To recipients, readable.</param>
/// <param name="Cc">The Cc recipients, readable.</param>
/// <param name="Subject">The subject.</param>
/// <param name="ReceivedAt">When the server received it.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="HasAttachments">Whether it has attachments.</param>
/// <param name="IsRead">Whether it is read.</param>
/// <param name="Mime">Its full MIME content.</param>
public sealed record MailItem(
    string ItemId,
    string? InternetMessageId,
    string? From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    string? Subject,
    DateTimeOffset? ReceivedAt,
    long Size,
    bool HasAttachments,
    bool IsRead,
    byte[] Mime);
