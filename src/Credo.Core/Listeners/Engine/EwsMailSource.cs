using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Credo.Ews;

namespace Credo.Core.Listeners.Engine;

/// <summary>Mail over EWS: SyncFolderItems for what is new, GetItem in batches of 10, UpdateItem/MoveItem/DeleteItem to process.</summary>
internal sealed class EwsMailSource(IEwsClient ews) : IMailSource
{
    private static readonly Dictionary<string, string> WellKnown = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Inbox"] = "inbox", ["Deleted Items"] = "deleteditems", ["Sent Items"] = "sentitems", ["Drafts"] = "drafts", ["Junk Email"] = "junkemail",
    };

    private readonly ConcurrentDictionary<string, EwsFolderId> _folders = new(StringComparer.OrdinalIgnoreCase);

    public string Protocol => "EWS";

    public async Task<MailResult<MailChanges>> ChangesAsync(MailboxContext mailbox, string? syncState, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var folder = await FolderAsync(box, mailbox.Listener.Folder, cancellationToken);
        if (folder.Error is { } folderError)
        {
            return folderError;
        }

        var sync = await ews.SyncFolderItemsAsync(box, folder.Value, syncState, 512, cancellationToken);
        if (!sync.Succeeded)
        {
            return Map(sync.Error);
        }

        return new MailChanges(
            [.. sync.Value.Changes.Where(c => c.Kind == SyncChangeKind.Create).Select(c => c.ItemId.Id)],
            sync.Value.SyncState,
            sync.Value.IncludesLastItemInRange);
    }

    public async Task<MailResult<IReadOnlyList<MailItem>>> FetchAsync(MailboxContext mailbox, IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        var result = await ews.GetItemsAsync(Mailbox(mailbox), [.. itemIds.Select(id => new EwsItemId(id))], includeMime: true, cancellationToken);
        if (!result.Succeeded)
        {
            return Map(result.Error);
        }

        var items = new List<MailItem>();
        foreach (var item in result.Value)
        {
            if (item.Error is { Kind: EwsErrorKind.ItemNotFound })
            {
                continue;
            }

            if (item.Error is { } error)
            {
                return Map(error);
            }

            var m = item.Value!;
            items.Add(new MailItem(
                m.ItemId.Id,
                m.InternetMessageId,
                m.From?.ToString(),
                [.. m.To.Select(a => a.ToString())],
                [.. m.Cc.Select(a => a.ToString())],
                m.Subject,
                m.DateTimeReceived,
                m.Mime?.Length ?? m.Size ?? 0,
                m.HasAttachments == true,
                m.IsRead == true,
                Bytes(m.Mime)));
        }

        return items;
    }

    public async Task<MailResult<bool>> ApplyAsync(MailboxContext mailbox, MailItem item, AfterProcessing action, string? moveToFolder, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var id = new EwsItemId(item.ItemId);
        EwsError? error;
        switch (action)
        {
            case AfterProcessing.MarkRead when !item.IsRead:
                error = (await ews.SetReadAsync(box, id, true, cancellationToken)).Error;
                break;
            case AfterProcessing.Move:
                var target = await FolderAsync(box, moveToFolder ?? "", cancellationToken);
                if (target.Error is { } targetError)
                {
                    return targetError;
                }

                error = (await ews.MoveItemAsync(box, id, target.Value, cancellationToken)).Error;
                break;
            case AfterProcessing.Delete:
                error = (await ews.DeleteItemAsync(box, id, cancellationToken)).Error;
                break;
            default:
                return true;
        }

        return error is null or { Kind: EwsErrorKind.ItemNotFound } ? true : Map(error);
    }

    private async Task<MailResult<EwsFolderId>> FolderAsync(EwsMailbox mailbox, string path, CancellationToken cancellationToken)
    {
        if (WellKnown.TryGetValue(path.Trim().Trim('/'), out var name))
        {
            return EwsFolderId.Distinguished(name);
        }

        var key = $"{mailbox.EwsUrl}|{mailbox.SmtpAddress}|{path}";
        if (_folders.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var resolved = await ews.ResolveFolderAsync(mailbox, path, cancellationToken);
        if (!resolved.Succeeded)
        {
            return Map(resolved.Error);
        }

        var folder = EwsFolderId.FromId(resolved.Value.FolderId);
        _folders[key] = folder;
        return folder;
    }

    // The reader decodes each MIME into an array of its own: take it rather than copy 20 KB or more per mail.
    private static byte[] Bytes(ReadOnlyMemory<byte>? mime) =>
        mime is not { } memory ? [] :
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : memory.ToArray();

    private static EwsMailbox Mailbox(MailboxContext context) =>
        new(new Uri(context.Listener.EwsUrl), context.Listener.Mailbox, context.Tokens);

    private static MailError Map(EwsError error) => new(
        error.Kind switch
        {
            EwsErrorKind.InvalidSyncState => MailErrorKind.InvalidSyncState,
            _ when error.IsTransient => MailErrorKind.Transient,
            EwsErrorKind.InvalidResponse when error.HttpStatus is >= 500 => MailErrorKind.Transient,
            _ => MailErrorKind.Permanent,
        },
        error.ToString(),
        error.Hint,
        error.BackOff);
}
