using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Credo.Sandbox.Ews;

/// <summary>The operations, run under the mailbox's lock; each returns the whole answer.</summary>
internal static class SandboxEwsOperations
{
    private const string ItemNotFound = "The specified object was not found in the store., The process failed to get the correct properties.";
    private const string FolderNotFound = "The specified folder could not be found in the store.";

    private static readonly XNamespace M = EwsResponseWriter.Messages;
    private static readonly XNamespace T = EwsResponseWriter.Types;

    public static PooledAnswer SyncFolderItems(SandboxMailbox mailbox, SyncStateCodec states, XElement request)
    {
        const string Op = "SyncFolderItems";
        if (Folder(mailbox, request.Element(M + "SyncFolderId")) is not { } folder)
        {
            return EwsResponseWriter.Response(Op, w => w.Error(Op, "ErrorFolderNotFound", FolderNotFound));
        }

        long watermark = 0;
        if ((string?)request.Element(M + "SyncState") is { Length: > 0 } state && !states.TryDecode(state, folder.Id, out watermark))
        {
            return EwsResponseWriter.Response(Op, w => w.Error(Op, "ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid."));
        }

        var max = Math.Clamp((int?)request.Element(M + "MaxChangesReturned") ?? 512, 1, 512);
        var pending = folder.Changes.Where(c => c.Sequence > watermark).ToList();

        // Items that appeared after the client's state and went again need not be reported at all.
        var createdSince = pending.Where(c => c.Kind == SandboxChangeKind.Create).Select(c => c.ItemId).ToHashSet(StringComparer.Ordinal);
        var emitted = new List<(SandboxChange Change, SandboxItem? Item)>();
        var position = watermark;
        var complete = true;
        foreach (var change in pending)
        {
            if (emitted.Count == max)
            {
                complete = false;
                break;
            }

            position = change.Sequence;
            var item = mailbox.FindItem(change.ItemId);
            var present = item is not null && item.FolderId == folder.Id;
            var emit = change.Kind switch
            {
                SandboxChangeKind.Create => present,
                SandboxChangeKind.Delete => !createdSince.Contains(change.ItemId),
                _ => present && !createdSince.Contains(change.ItemId),
            };
            if (emit)
            {
                emitted.Add((change, item));
            }
        }

        return EwsResponseWriter.Response(Op, w =>
        {
            w.StartSuccess(Op);
            w.MValue("SyncState", states.Encode(folder.Id, position));
            w.MValue("IncludesLastItemInRange", complete ? "true" : "false");
            w.M("Changes");
            foreach (var (change, item) in emitted)
            {
                switch (change.Kind)
                {
                    case SandboxChangeKind.Create:
                        w.T("Create");
                        w.T("Message");
                        w.ItemId(item!);
                        w.WriteEndElement();
                        w.WriteEndElement();
                        break;
                    case SandboxChangeKind.Delete:
                        w.T("Delete");
                        w.T("ItemId");
                        w.WriteAttributeString("Id", change.ItemId);
                        w.WriteEndElement();
                        w.WriteEndElement();
                        break;
                    default:
                        w.T("ReadFlagChange");
                        w.ItemId(item!);
                        w.TValue("IsRead", Bool(change.IsRead));
                        w.WriteEndElement();
                        break;
                }
            }

            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    public static PooledAnswer GetItem(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "GetItem";
        var shape = request.Element(M + "ItemShape");
        var includeMime = ((bool?)shape?.Element(T + "IncludeMimeContent") ?? false) ||
            (shape?.Element(T + "AdditionalProperties")?.Elements(T + "FieldURI").Any(f => (string?)f.Attribute("FieldURI") == "item:MimeContent") ?? false);
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var id in ItemIds(request.Element(M + "ItemIds")))
            {
                if (mailbox.FindItem(id) is not { } item)
                {
                    w.Error(Op, "ErrorItemNotFound", ItemNotFound);
                    continue;
                }

                w.StartSuccess(Op);
                w.M("Items");
                WriteMessage(w, item, includeMime);
                w.WriteEndElement();
                w.WriteEndElement();
            }
        });
    }

    public static PooledAnswer UpdateItem(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "UpdateItem";
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var change in request.Element(M + "ItemChanges")?.Elements(T + "ItemChange") ?? [])
            {
                var id = (string?)change.Element(T + "ItemId")?.Attribute("Id");
                if (id is null || mailbox.FindItem(id) is not { } item)
                {
                    w.Error(Op, "ErrorItemNotFound", ItemNotFound);
                    continue;
                }

                foreach (var set in change.Element(T + "Updates")?.Elements(T + "SetItemField") ?? [])
                {
                    if ((string?)set.Element(T + "FieldURI")?.Attribute("FieldURI") == "message:IsRead" &&
                        (bool?)set.Element(T + "Message")?.Element(T + "IsRead") is { } isRead)
                    {
                        mailbox.SetRead(item, isRead);
                    }
                }

                w.StartSuccess(Op);
                w.M("Items");
                w.T("Message");
                w.ItemId(item);
                w.WriteEndElement();
                w.WriteEndElement();
                w.M("ConflictResults");
                w.TValue("Count", "0");
                w.WriteEndElement();
                w.WriteEndElement();
            }
        });
    }

    public static PooledAnswer MoveItem(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "MoveItem";
        var target = Folder(mailbox, request.Element(M + "ToFolderId"));
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var id in ItemIds(request.Element(M + "ItemIds")))
            {
                if (target is null)
                {
                    w.Error(Op, "ErrorFolderNotFound", FolderNotFound);
                }
                else if (mailbox.FindItem(id) is not { } item)
                {
                    w.Error(Op, "ErrorItemNotFound", ItemNotFound);
                }
                else
                {
                    mailbox.Move(item, target.Id);
                    w.StartSuccess(Op);
                    w.M("Items");
                    w.T("Message");
                    w.ItemId(item);
                    w.WriteEndElement();
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
            }
        });
    }

    public static PooledAnswer DeleteItem(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "DeleteItem";
        var toDeletedItems = (string?)request.Attribute("DeleteType") != "HardDelete";
        var deletedItems = mailbox.WellKnown("deleteditems");
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var id in ItemIds(request.Element(M + "ItemIds")))
            {
                if (mailbox.FindItem(id) is not { } item)
                {
                    w.Error(Op, "ErrorItemNotFound", ItemNotFound);
                    continue;
                }

                if (toDeletedItems && item.FolderId != deletedItems.Id)
                {
                    mailbox.Move(item, deletedItems.Id);
                }
                else
                {
                    mailbox.Remove(item);
                }

                w.StartSuccess(Op);
                w.WriteEndElement();
            }
        });
    }

    public static PooledAnswer GetFolder(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "GetFolder";
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var id in request.Element(M + "FolderIds")?.Elements() ?? [])
            {
                if (FolderById(mailbox, id) is not { } folder)
                {
                    w.Error(Op, "ErrorFolderNotFound", FolderNotFound);
                    continue;
                }

                w.StartSuccess(Op);
                w.M("Folders");
                WriteFolder(w, mailbox, folder);
                w.WriteEndElement();
                w.WriteEndElement();
            }
        });
    }

    public static PooledAnswer FindFolder(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "FindFolder";
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var id in request.Element(M + "ParentFolderIds")?.Elements() ?? [])
            {
                if (FolderById(mailbox, id) is not { } parent)
                {
                    w.Error(Op, "ErrorFolderNotFound", FolderNotFound);
                    continue;
                }

                var children = mailbox.ChildrenOf(parent.Id).ToList();
                w.StartSuccess(Op);
                w.M("RootFolder");
                w.WriteAttributeString("TotalItemsInView", Int(children.Count));
                w.WriteAttributeString("IncludesLastItemInRange", "true");
                w.T("Folders");
                foreach (var child in children)
                {
                    WriteFolder(w, mailbox, child);
                }

                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
        });
    }

    public static PooledAnswer FindItem(SandboxMailbox mailbox, XElement request)
    {
        const string Op = "FindItem";
        var view = request.Element(M + "IndexedPageItemView");
        var max = Math.Clamp((int?)view?.Attribute("MaxEntriesReturned") ?? 1000, 1, 1000);
        var offset = Math.Max((int?)view?.Attribute("Offset") ?? 0, 0);
        var equal = request.Element(M + "Restriction")?.Element(T + "IsEqualTo");
        bool? isRead = (string?)equal?.Element(T + "FieldURI")?.Attribute("FieldURI") == "message:IsRead"
            ? (bool?)equal?.Element(T + "FieldURIOrConstant")?.Element(T + "Constant")?.Attribute("Value")
            : null;
        return EwsResponseWriter.Response(Op, w =>
        {
            foreach (var id in request.Element(M + "ParentFolderIds")?.Elements() ?? [])
            {
                if (FolderById(mailbox, id) is not { } folder)
                {
                    w.Error(Op, "ErrorFolderNotFound", FolderNotFound);
                    continue;
                }

                var matching = mailbox.ItemsIn(folder.Id).Where(i => isRead is null || i.IsRead == isRead).Reverse().ToList();
                var page = matching.Skip(offset).Take(max).ToList();
                w.StartSuccess(Op);
                w.M("RootFolder");
                w.WriteAttributeString("IndexedPagingOffset", Int(offset + page.Count));
                w.WriteAttributeString("TotalItemsInView", Int(matching.Count));
                w.WriteAttributeString("IncludesLastItemInRange", offset + page.Count >= matching.Count ? "true" : "false");
                w.T("Items");
                foreach (var item in page)
                {
                    w.T("Message");
                    w.ItemId(item);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
        });
    }

    private static void WriteMessage(XmlWriter w, SandboxItem item, bool includeMime)
    {
        w.T("Message");
        if (includeMime)
        {
            w.T("MimeContent");
            w.WriteAttributeString("CharacterSet", "UTF-8");
            w.WriteBase64(item.Mime, 0, item.Mime.Length);
            w.WriteEndElement();
        }

        w.ItemId(item);
        if (item.Subject is not null)
        {
            w.TValue("Subject", item.Subject);
        }

        w.TValue("DateTimeReceived", item.DateTimeReceived.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.TValue("Size", Int(item.Mime.Length));
        w.TValue("HasAttachments", Bool(item.HasAttachments));
        Recipients(w, "ToRecipients", item.To);
        Recipients(w, "CcRecipients", item.Cc);
        if (item.From is { } from)
        {
            w.T("From");
            w.Mailbox(from);
            w.WriteEndElement();
        }

        if (item.InternetMessageId is not null)
        {
            w.TValue("InternetMessageId", item.InternetMessageId);
        }

        w.TValue("IsRead", Bool(item.IsRead));
        w.WriteEndElement();
    }

    private static void Recipients(XmlWriter w, string name, IReadOnlyList<(string? Name, string Address)> recipients)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        w.T(name);
        foreach (var recipient in recipients)
        {
            w.Mailbox(recipient);
        }

        w.WriteEndElement();
    }

    private static void WriteFolder(XmlWriter w, SandboxMailbox mailbox, SandboxFolder folder)
    {
        w.T("Folder");
        w.T("FolderId");
        w.WriteAttributeString("Id", folder.Id);
        w.WriteEndElement();
        if (folder.ParentId is not null)
        {
            w.T("ParentFolderId");
            w.WriteAttributeString("Id", folder.ParentId);
            w.WriteEndElement();
        }

        w.TValue("FolderClass", "IPF.Note");
        w.TValue("DisplayName", folder.DisplayName);
        w.TValue("TotalCount", Int(mailbox.Count(folder.Id, unreadOnly: false)));
        w.TValue("ChildFolderCount", Int(mailbox.ChildrenOf(folder.Id).Count()));
        w.TValue("UnreadCount", Int(mailbox.Count(folder.Id, unreadOnly: true)));
        w.WriteEndElement();
    }

    private static SandboxFolder? Folder(SandboxMailbox mailbox, XElement? container) =>
        container?.Elements().FirstOrDefault() is { } id ? FolderById(mailbox, id) : null;

    private static SandboxFolder? FolderById(SandboxMailbox mailbox, XElement id)
    {
        var value = (string?)id.Attribute("Id");
        if (value is null)
        {
            return null;
        }

        return id.Name.LocalName == "DistinguishedFolderId"
            ? mailbox.Folders.FirstOrDefault(f => f.DistinguishedName == value)
            : mailbox.FindFolder(value);
    }

    private static IEnumerable<string> ItemIds(XElement? container) =>
        (container?.Elements(T + "ItemId") ?? []).Select(e => (string?)e.Attribute("Id") ?? "");

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
