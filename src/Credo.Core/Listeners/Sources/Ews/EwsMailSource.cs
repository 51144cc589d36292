using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Credo.Core.Listeners.Sources.Ews.Internal;
using Credo.Ews;
using Credo.Net;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Sources.Ews;

/// <summary>
/// Mail over EWS: <c>SyncFolderItems</c> (IdOnly) in pages of 100 for what is new, <c>GetItem</c> in batches of 10 with
/// MIME (Microsoft's advice for EWS), and one <c>UpdateItem</c>/<c>MoveItem</c>/<c>DeleteItem</c> for up to 100 items.
/// </summary>
internal sealed class EwsMailSource(IEwsClient ews, IOptionsMonitor<EwsOptions> options) : IMailSource
{
    private readonly ConcurrentDictionary<string, EwsFolderId> _folders = new(StringComparer.OrdinalIgnoreCase);

    public string Protocol => EwsProtocol.Id;

    public MailSourceCapabilities Capabilities => new(
        PageSize: 100, FetchBatchSize: 10, ApplyBatchSize: 100, MaxConcurrentRequests: options.CurrentValue.MaxConcurrentRequestsPerMailbox);

    public async Task<Result<MailChanges, MailError>> ChangesAsync(MailboxTarget mailbox, string? syncState, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var folder = await FolderAsync(box, mailbox.Folder, cancellationToken);
        if (!folder.Succeeded)
        {
            return folder.Error;
        }

        var sync = await ews.SyncFolderItemsAsync(box, folder.Value, syncState, Capabilities.PageSize, cancellationToken);
        if (!sync.Succeeded)
        {
            return Map(sync.Error, box);
        }

        return new MailChanges(
            [.. sync.Value.Changes.Where(c => c.Kind == SyncChangeKind.Create).Select(c => new MailRef(c.ItemId.Id))],
            sync.Value.SyncState,
            sync.Value.IncludesLastItemInRange);
    }

    public async Task<Result<IReadOnlyList<MailItem>, MailError>> FetchAsync(MailboxTarget mailbox, IReadOnlyList<MailRef> listed, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var result = await ews.GetItemsAsync(box, [.. listed.Select(i => new EwsItemId(i.ItemId))], includeMime: true, cancellationToken);
        if (!result.Succeeded)
        {
            return Map(result.Error, box);
        }

        var items = new List<MailItem>(result.Value.Count);
        foreach (var item in result.Value)
        {
            if (item.Error is { Kind: EwsErrorKind.ItemNotFound })
            {
                continue;
            }

            if (!item.Succeeded)
            {
                return Map(item.Error, box);
            }

            var m = item.Value;
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

    public async Task<Result<bool, MailError>> ApplyAsync(MailboxTarget mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        switch (mailbox.AfterProcessing)
        {
            case AfterProcessing.MarkRead:
                // Mail that is read already needs no request at all.
                EwsItemId[] unread = [.. items.Where(i => !i.IsRead).Select(i => new EwsItemId(i.ItemId))];
                return unread.Length == 0 ? true : Done(await ews.SetReadAsync(box, unread, true, cancellationToken), box);
            case AfterProcessing.Move:
                var target = await FolderAsync(box, mailbox.MoveToFolder ?? "", cancellationToken);
                return !target.Succeeded ? target.Error : Done(await ews.MoveItemsAsync(box, Ids(items), target.Value, cancellationToken), box);
            case AfterProcessing.Delete:
                return Done(await ews.DeleteItemsAsync(box, Ids(items), cancellationToken), box);
            default:
                return true;
        }
    }

    public async Task<Result<string, MailError>> TestAsync(MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var folder = await ews.ResolveFolderAsync(box, mailbox.Folder, cancellationToken);
        return folder.Succeeded
            ? $"{box.SmtpAddress} › {mailbox.Folder}: {folder.Value.TotalCount} item(s), {folder.Value.UnreadCount} unread."
            : Map(folder.Error, box);
    }

    // The whole batch succeeded, or its first failure; an item that is gone counts as done.
    private static Result<bool, MailError> Done<T>(Result<IReadOnlyList<Result<T, EwsError>>, EwsError> result, EwsMailbox box)
    {
        if (!result.Succeeded)
        {
            return Map(result.Error, box);
        }

        return result.Value.FirstOrDefault(r => r.Error is { Kind: not EwsErrorKind.ItemNotFound })?.Error is { } error ? Map(error, box) : true;
    }

    private static EwsItemId[] Ids(IReadOnlyList<MailItem> items) => [.. items.Select(i => new EwsItemId(i.ItemId))];

    private async Task<Result<EwsFolderId, MailError>> FolderAsync(EwsMailbox mailbox, string path, CancellationToken cancellationToken)
    {
        if (EwsFolderId.TryWellKnown(path, out var wellKnown))
        {
            return wellKnown;
        }

        var key = $"{mailbox.EwsUrl}|{mailbox.SmtpAddress}|{path}";
        if (_folders.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var resolved = await ews.ResolveFolderAsync(mailbox, path, cancellationToken);
        if (!resolved.Succeeded)
        {
            return Map(resolved.Error, mailbox);
        }

        var folder = EwsFolderId.FromId(resolved.Value.FolderId);
        _folders[key] = folder;
        return folder;
    }

    // The reader decodes each MIME into an array of its own: take it rather than copy 20 KB or more per mail.
    private static byte[] Bytes(ReadOnlyMemory<byte>? mime) =>
        mime is not { } memory ? [] :
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : memory.ToArray();

    private static EwsMailbox Mailbox(MailboxTarget context) =>
        new(new Uri(context.Settings.Text("url")), context.Mailbox, context.Tokens);

    // Errors that Exchange answered say where: which server and which mailbox; connection failures name the address already.
    // A refused token whose reason Exchange gave says it in plain words, with the server's words as the details.
    private static MailError Map(EwsError error, EwsMailbox box)
    {
        var message = error.ResponseCode is null ? error.ToString() : $"Exchange at {box.EwsUrl.Host}:{box.EwsUrl.Port} answered for {box.SmtpAddress}: {error}";
        var explained = EwsTokenRefusal.Explain(error);
        return new MailError(Kind(error), explained?.Message ?? message, explained is { } e ? e.Hint : error.Hint, error.BackOff, explained is null ? null : message);
    }

    private static MailErrorKind Kind(EwsError error) => error.Kind switch
    {
        // A 503 is throttling when it says how long to wait; without Retry-After it is a passing fault like a 500.
        EwsErrorKind.ServerBusy or EwsErrorKind.ConnectionCountExceeded => MailErrorKind.Throttled,
        EwsErrorKind.ServiceUnavailable when error.BackOff is not null => MailErrorKind.Throttled,
        EwsErrorKind.InvalidSyncState => MailErrorKind.InvalidSyncState,
        _ when error.IsTransient => MailErrorKind.Transient,
        EwsErrorKind.InvalidResponse when error.HttpStatus is >= 500 => MailErrorKind.Transient,
        _ => MailErrorKind.Permanent,
    };
}
