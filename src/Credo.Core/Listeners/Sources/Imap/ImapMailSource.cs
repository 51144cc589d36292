using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
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
/// Each listener's calls run on its one connection in the <see cref="ImapConnectionPool"/> (Credo.Imap). With IDLE, once a
/// poll has caught up, that same connection idles until the next poll (at most <see cref="ImapOptions.MaxIdleConnections"/>
/// on this node), and new mail makes the listener due at once through <see cref="IListenerWakeup"/>.
/// </summary>
internal sealed class ImapMailSource : IMailSource, IAsyncDisposable, IDisposable
{
    private readonly ImapConnectionPool _connections;
    private readonly IListenerWakeup? _wakeup;
    private readonly ConcurrentDictionary<Guid, ImapWatch> _caughtUp = new();
    private readonly Meter? _meter;
    private int _disposed;

    public ImapMailSource(
        OutboundGuard guard, IOptionsMonitor<ImapOptions> options, TimeProvider time, ILogger<ImapMailSource> logger, IEnumerable<IListenerWakeup> wakeups, IMeterFactory? meters = null)
    {
        _connections = new ImapConnectionPool(guard, options, time, logger);
        _wakeup = wakeups.FirstOrDefault();
        if (meters is not null)
        {
            _meter = meters.Create("Credo.Imap");
            _meter.CreateObservableGauge("credo.imap.connections", () => _connections.OpenConnections, "{connection}", "IMAP connections this node keeps open (one per listener at most), idling or not.");
            _meter.CreateObservableGauge("credo.imap.idle.connections", () => _connections.IdleConnections, "{connection}", "IMAP connections in IDLE now.");
            _meter.CreateObservableGauge(
                "credo.imap.idle.over_cap", () => _connections.OverIdleCap, "{listener}", "IMAP listeners that would idle but poll at their interval: Credo:Imap:MaxIdleConnections is reached.");
        }
    }

    public string Protocol => ImapProtocol.Id;

    public MailSourceCapabilities Capabilities { get; } = new(PageSize: 100, FetchBatchSize: 25, ApplyBatchSize: 100, MaxConcurrentRequests: 1);

    /// <summary>Connections open now (each listener's one, idling or not), for tests and diagnostics.</summary>
    internal int OpenConnections => _connections.OpenConnections;

    /// <summary>Connections in IDLE now, for tests and diagnostics.</summary>
    internal int IdleConnections => _connections.IdleConnections;

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
                CaughtUp(mailbox, validity, reached);
            }
            else
            {
                _caughtUp.TryRemove(mailbox.ListenerId, out _);
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

    /// <summary>The poll is over: a poll that caught up leaves its connection in IDLE until the next one.</summary>
    public ValueTask EndPollAsync(MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        _caughtUp.TryRemove(mailbox.ListenerId, out var watch);
        _connections.Rest(mailbox.ListenerId, watch);
        return ValueTask.CompletedTask;
    }

    // A container disposed synchronously (a command-line run) must still close the connections.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _connections.DisposeAsync();
        _meter?.Dispose();
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

    /// <summary>The poll listed everything up to <paramref name="reached"/>: when this node's engine can be woken, the connection may idle after it.</summary>
    private void CaughtUp(MailboxTarget mailbox, uint validity, uint reached)
    {
        if (_wakeup is null)
        {
            return;
        }

        var wakeup = _wakeup;
        _caughtUp[mailbox.ListenerId] = new ImapWatch(mailbox.ListenerId, mailbox.Name, Endpoint(mailbox), mailbox.Tokens, mailbox.Folder, mailbox.Version, validity, reached)
        {
            NewMail = ct => wakeup.PollNowAsync(mailbox.ListenerId, mailbox.Version, ct),
            StillWanted = ct => wakeup.StillWatchedAsync(mailbox.ListenerId, mailbox.Version, ct),
        };
    }

    private static List<UniqueId> Uids(IReadOnlyList<string> itemIds, uint validity) =>
        [.. itemIds.Select(id => ImapSyncState.TryParseItemId(id, out var item) && item.UidValidity == validity ? new UniqueId(validity, item.Uid) : UniqueId.Invalid)
            .Where(u => u.IsValid)];

    private static MailItem Item(string itemId, IMessageSummary summary, byte[] mime) => MailItems.FromMime(
        itemId, mime, summary.Flags?.HasFlag(MessageFlags.Seen) == true, summary.InternalDate, summary.Size, summary.Attachments?.Any() == true);
}
