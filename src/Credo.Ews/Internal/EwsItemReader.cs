using System.Globalization;
using System.Xml.Linq;

namespace Credo.Ews.Internal;

/// <summary>Reads items and folders out of response messages.</summary>
internal static class EwsItemReader
{
    public static EwsItemId ItemId(XElement? element) =>
        element is null
            ? throw new EwsFormatException("an item has no ItemId")
            : new EwsItemId((string?)element.Attribute("Id") ?? throw new EwsFormatException("an ItemId has no Id"), (string?)element.Attribute("ChangeKey"));

    /// <summary>The first item element of an <c>m:Items</c> or a sync change (Message, Item, MeetingRequest, ...).</summary>
    public static XElement? FirstItem(XElement? container) => container?.Elements().FirstOrDefault(e => e.Name.Namespace == EwsNames.T);

    public static EwsMessage Message(XElement item)
    {
        var t = EwsNames.T;
        var mime = (string?)item.Element(t + "MimeContent");
        return new EwsMessage
        {
            ItemId = ItemId(item.Element(t + "ItemId")),
            Subject = (string?)item.Element(t + "Subject"),
            InternetMessageId = (string?)item.Element(t + "InternetMessageId"),
            From = Address(item.Element(t + "From")?.Element(t + "Mailbox")),
            To = Addresses(item.Element(t + "ToRecipients")),
            Cc = Addresses(item.Element(t + "CcRecipients")),
            DateTimeReceived = DateTimeOffset.TryParse((string?)item.Element(t + "DateTimeReceived"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var received) ? received : null,
            Size = long.TryParse((string?)item.Element(t + "Size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : null,
            HasAttachments = Bool(item.Element(t + "HasAttachments")),
            IsRead = Bool(item.Element(t + "IsRead")),
            Mime = mime is null ? null : Decode(mime),
        };
    }

    public static EwsFolder Folder(XElement folder)
    {
        var t = EwsNames.T;
        return new EwsFolder(
            (string?)folder.Element(t + "FolderId")?.Attribute("Id") ?? throw new EwsFormatException("a folder has no FolderId"),
            (string?)folder.Element(t + "DisplayName") ?? "",
            Int(folder.Element(t + "TotalCount")),
            Int(folder.Element(t + "ChildFolderCount")),
            Int(folder.Element(t + "UnreadCount")));
    }

    public static bool? Bool(XElement? element) => element is null ? null : (bool)element;

    private static int? Int(XElement? element) =>
        int.TryParse((string?)element, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static EwsAddress? Address(XElement? mailbox) =>
        mailbox is null ? null : new EwsAddress((string?)mailbox.Element(EwsNames.T + "Name"), (string?)mailbox.Element(EwsNames.T + "EmailAddress"));

    private static EwsAddress[] Addresses(XElement? recipients) =>
        recipients is null ? [] : [.. recipients.Elements(EwsNames.T + "Mailbox").Select(m => Address(m)!)];

    private static byte[] Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new EwsFormatException("an item's MimeContent is not base64");
        }
    }
}
