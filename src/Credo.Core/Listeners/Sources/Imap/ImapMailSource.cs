using Credo.Core.Listeners.Sources.Imap.Internal;
using Credo.Imap;
using Credo.Net;
using Credo.Net.Outbound;
using MailKit;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Sources.Imap;

/// <summary>
/// Mail over IMAP with MailKit: <c>UID SEARCH UID n+1:*</c> for what is new (the sync state is the folder's UIDVALIDITY
/// and the highest UID listed), one <c>UID FETCH</c> of flags, date, size and structure and one of <c>BODY.PEEK[]</c> per
/// batch (fetching never marks read), and <c>UID STORE</c>, <c>UID MOVE</c> or <c>UID EXPUNGE</c> for a whole batch.
/// Each listener's calls run on its connection in the <see cref="ImapConnectionPool"/> (Credo.Imap). With IDLE, once a
/// poll has caught up, an <see cref="ImapIdleWatcher"/> waits for new mail on a second connection and asks the engine
/// to poll at once.
/// </summary>
internal sealed class ImapMailSource : IMailSource, IAsyncDisposable, IDisposable
{
    private readonly ImapConnectionPool _connections;
    private readonly ImapIdleWatcher? _idle;
    private readonly IListenerWakeup? _wakeup;
    private int _disposed;

    public ImapMailSource(OutboundGuard guard, IOptionsMonitor<ImapOptions> options, TimeProvider time, ILogger<ImapMailSource> logger, IEnumerable<IListenerWakeup> wakeups)
    {
        _connections = new ImapConnectionPool(guard, options, time, logger);
        _wakeup = wakeups.FirstOrDefault();
        if (_wakeup is not null)
        {
            _idle = new ImapIdleWatcher(_connections, options, time, logger);
        }
    }

    public string Protocol => ImapProtocol.Id;

    public MailSourceCapabilities Capabilities { get; } = new(PageSize: 100, FetchBatchSize: 25, ApplyBatchSize: 100, MaxConcurrentRequests: 1);

    /// <summary>Connections open now (pooled and idling), for tests and diagnostics.</summary>
    internal int OpenConnections => _connections.OpenConnections + (_idle?.Count ?? 0);

    public Task<Result<MailChanges, MailError>> ChangesAsync(MailboxTarget mailbox, string? syncState, CancellationToken cancellationToken) =>
        UseAsync<MailChanges>("UID SEARCH", mailbox, async (session, ct) =>
        {
            var folder = await session.SelectAsync(mailbox.Folder, refresh: true, ct);
            var validity = folder.UidValidity;
            uint last = 0;
            if (syncState is not null)
            {
                if (!ImapSyncState.TryParse(syncState, out var state) || state.UidValidity != validity)
                {
                    return new MailError(MailErrorKind.InvalidSyncState, $"The folder {mailbox.Folder} has a new UIDVALIDITY ({validity}); it was recreated or rebuilt, so it is read again from the start.");
                }

                last = state.Uid;
            }

            var query = SearchQuery.Uids(new UniqueIdRange(new UniqueId(last + 1), UniqueId.MaxValue));
            var found = await folder.SearchAsync(mailbox.UnreadOnly ? query.And(SearchQuery.NotSeen) : query, ct);

            // "n+1:*" always matches the newest message, even when its UID is n or lower.
            var uids = found.Select(u => u.Id).Where(u => u > last).Order().ToList();
            var page = uids.Take(Capabilities.PageSize).ToList();
            var reached = page.Count > 0 ? page[^1] : last;
            if (uids.Count <= Capabilities.PageSize)
            {
                Watch(mailbox, validity, reached);
            }

            return new MailChanges(
                [.. page.Select(uid => new MailRef(ImapSyncState.ItemId(validity, uid)))],
                new ImapSyncState(validity, reached).ToString(),
                uids.Count <= Capabilities.PageSize);
        }, cancellationToken);

    public Task<Result<IReadOnlyList<MailItem>, MailError>> FetchAsync(MailboxTarget mailbox, IReadOnlyList<MailRef> listed, CancellationToken cancellationToken) =>
        UseAsync<IReadOnlyList<MailItem>>("UID FETCH", mailbox, async (session, ct) =>
        {
            var folder = await session.SelectAsync(mailbox.Folder, refresh: false, ct);
            var uids = Uids([.. listed.Select(r => r.ItemId)], folder.UidValidity);
            if (uids.Count == 0)
            {
                return Result.Success<IReadOnlyList<MailItem>>([]);
            }

            var summaries = (await folder.FetchAsync(uids, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure), ct))
                .ToDictionary(s => s.UniqueId.Id);
            var bodies = new Dictionary<uint, byte[]>(uids.Count);
            await ((MailKit.Net.Imap.ImapFolder)folder).GetStreamsAsync(uids, async (_, _, uid, stream, c) =>
            {
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, c);
                bodies[uid.Id] = buffer.ToArray();
            }, ct);

            var items = new List<MailItem>(uids.Count);
            foreach (var uid in uids)
            {
                // A mail expunged since it was listed is gone: left out.
                if (!summaries.TryGetValue(uid.Id, out var summary) || !bodies.TryGetValue(uid.Id, out var mime))
                {
                    continue;
                }

                items.Add(Item(ImapSyncState.ItemId(folder.UidValidity, uid.Id), summary, mime));
            }

            return Result.Success<IReadOnlyList<MailItem>>(items);
        }, cancellationToken);

    public Task<Result<bool, MailError>> ApplyAsync(MailboxTarget mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken) =>
        UseAsync<bool>(mailbox.AfterProcessing == AfterProcessing.Move ? "UID MOVE" : "UID STORE", mailbox, async (session, ct) =>
        {
            var folder = await session.SelectAsync(mailbox.Folder, refresh: false, ct);

            // Ids of an older UIDVALIDITY name other mails now: those are gone, and count as done.
            switch (mailbox.AfterProcessing)
            {
                case AfterProcessing.MarkRead:
                    var unread = Uids([.. items.Where(i => !i.IsRead).Select(i => i.ItemId)], folder.UidValidity);
                    if (unread.Count > 0)
                    {
                        await folder.StoreAsync(unread, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { Silent = true }, ct);
                    }

                    return true;
                case AfterProcessing.Move:
                    var move = Uids([.. items.Select(i => i.ItemId)], folder.UidValidity);
                    var target = await session.FolderAsync(mailbox.MoveToFolder ?? "", ct);
                    if (move.Count > 0)
                    {
                        // MailKit sends UID MOVE, or without MOVE: UID COPY, \Deleted and UID EXPUNGE of these UIDs.
                        await folder.MoveToAsync(move, target, ct);
                    }

                    return true;
                case AfterProcessing.Delete:
                    var delete = Uids([.. items.Select(i => i.ItemId)], folder.UidValidity);
                    if (delete.Count == 0)
                    {
                        return true;
                    }

                    var trash = (session.Client.Capabilities & (MailKit.Net.Imap.ImapCapabilities.SpecialUse | MailKit.Net.Imap.ImapCapabilities.XList)) != 0
                        ? session.Client.GetFolder(SpecialFolder.Trash)
                        : null;
                    if (trash is not null && trash.FullName != folder.FullName)
                    {
                        ImapSession.NameCall("UID MOVE");
                        await folder.MoveToAsync(delete, trash, ct);
                    }
                    else
                    {
                        ImapSession.NameCall("UID EXPUNGE");
                        await folder.StoreAsync(delete, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, ct);
                        await folder.ExpungeAsync(delete, ct);
                    }

                    return true;
                default:
                    return true;
            }
        }, cancellationToken);

    public async Task<Result<string, MailError>> TestAsync(MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var endpoint = Endpoint(mailbox);
        var result = await _connections.UseOnceAsync(endpoint, mailbox.Tokens, async (session, ct) =>
        {
            var folder = await session.FolderAsync(mailbox.Folder, ct);
            await folder.StatusAsync(StatusItems.Count | StatusItems.Unread, ct);
            return $"{endpoint.User} on {endpoint} › {mailbox.Folder}: {folder.Count} message(s), {folder.Unread} unseen.";
        }, cancellationToken);
        return result.Succeeded ? result.Value : Map(result.Error);
    }

    // A container disposed synchronously (a command-line run) must still close the connections.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_idle is not null)
        {
            await _idle.DisposeAsync();
        }

        await _connections.DisposeAsync();
    }

    private static ImapEndpoint Endpoint(MailboxTarget mailbox)
    {
        var imap = mailbox.Settings;
        return new(imap.Text("host"), imap.Number("port"), imap.Choice<ImapSecurity>("security"), imap["userName"] ?? mailbox.Mailbox, imap.Choice<ImapSasl>("sasl"));
    }

    private static MailError Map(ImapError error) =>
        MailError.OfClient(error.Kind == ImapErrorKind.Throttled, error.Kind == ImapErrorKind.Connection, error.Message, error.Hint, error.RetryAfter);

    /// <summary>Runs <paramref name="work"/> on the listener's pooled session, as a span named after its IMAP <paramref name="command"/>.</summary>
    private async Task<Result<T, MailError>> UseAsync<T>(string command, MailboxTarget mailbox, Func<ImapSession, CancellationToken, Task<Result<T, MailError>>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var result = await _connections.UseAsync(mailbox.ListenerId, command, Endpoint(mailbox), mailbox.Tokens, work, cancellationToken);
        return result.Succeeded ? result.Value : Map(result.Error);
    }

    /// <summary>Starts idling on the listener's folder, once a poll has caught up, when this node's engine can be woken.</summary>
    private void Watch(MailboxTarget mailbox, uint validity, uint reached)
    {
        if (_idle is null || _wakeup is null)
        {
            return;
        }

        var wakeup = _wakeup;
        _idle.Watch(new ImapWatch(mailbox.ListenerId, mailbox.Name, Endpoint(mailbox), mailbox.Tokens, mailbox.Folder, mailbox.Version, validity, reached)
        {
            NewMail = ct => wakeup.PollNowAsync(mailbox.ListenerId, mailbox.Version, ct),
            StillWanted = ct => wakeup.StillWatchedAsync(mailbox.ListenerId, mailbox.Version, ct),
        });
    }

    private static List<UniqueId> Uids(IReadOnlyList<string> itemIds, uint validity) =>
        [.. itemIds.Select(id => ImapSyncState.TryParseItemId(id, out var item) && item.UidValidity == validity ? new UniqueId(validity, item.Uid) : UniqueId.Invalid)
            .Where(u => u.IsValid)];

    private static MailItem Item(string itemId, IMessageSummary summary, byte[] mime) => MailItems.FromMime(
        itemId, mime, summary.Flags?.HasFlag(MessageFlags.Seen) == true, summary.InternalDate, summary.Size, summary.Attachments?.Any() == true);
}
