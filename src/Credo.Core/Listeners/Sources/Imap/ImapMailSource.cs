using System.Collections.Concurrent;
using Credo.Core.Listeners.Sources.Imap.Internal;
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
/// One authenticated connection per listener is kept between calls and polls, replaced when the token it logged in
/// with expires or the settings change, dropped on any error and after <see cref="ImapOptions.PooledConnectionIdleTimeout"/>.
/// With IDLE, a second connection per listener waits for new mail and asks the engine to poll at once.
/// </summary>
internal sealed class ImapMailSource : IMailSource, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<Guid, Pooled> _pool = new();
    private readonly OutboundGuard _guard;
    private readonly IOptionsMonitor<ImapOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ImapMailSource> _logger;
    private readonly ImapIdleWatcher? _idle;
    private readonly ITimer _sweeper;
    private int _disposed;

    public ImapMailSource(OutboundGuard guard, IOptionsMonitor<ImapOptions> options, TimeProvider time, ILogger<ImapMailSource> logger, IEnumerable<IListenerWakeup> wakeups)
    {
        _guard = guard;
        _options = options;
        _time = time;
        _logger = logger;
        if (wakeups.FirstOrDefault() is { } wakeup)
        {
            _idle = new ImapIdleWatcher(
                (mailbox, ct) => ImapSession.OpenAsync(ImapEndpoint.Of(mailbox), mailbox.Tokens, guard, options.CurrentValue, logger, ct), wakeup, options, time, logger);
        }

        var sweep = TimeSpan.FromSeconds(Math.Clamp(options.CurrentValue.PooledConnectionIdleTimeout.TotalSeconds / 2, 1, 60));
        _sweeper = time.CreateTimer(_ => _ = SweepAsync(), null, sweep, sweep);
    }

    public string Protocol => ImapProtocol.Id;

    public MailSourceCapabilities Capabilities { get; } = new(PageSize: 100, FetchBatchSize: 25, ApplyBatchSize: 100, MaxConcurrentRequests: 1);

    /// <summary>Connections open now (pooled and idling), for tests and diagnostics.</summary>
    internal int OpenConnections => _pool.Values.Count(p => p.Session is not null) + (_idle?.Count ?? 0);

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
                _idle?.Watch(mailbox, validity, reached);
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
                        ImapActivities.Command("UID MOVE");
                        await folder.MoveToAsync(delete, trash, ct);
                    }
                    else
                    {
                        ImapActivities.Command("UID EXPUNGE");
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
        var endpoint = ImapEndpoint.Of(mailbox);
        ImapSession? session = null;
        try
        {
            session = await ImapSession.OpenAsync(endpoint, mailbox.Tokens, _guard, _options.CurrentValue, _logger, cancellationToken);
            var folder = await session.FolderAsync(mailbox.Folder, cancellationToken);
            await folder.StatusAsync(StatusItems.Count | StatusItems.Unread, cancellationToken);
            return $"{endpoint.User} on {endpoint} › {mailbox.Folder}: {folder.Count} message(s), {folder.Unread} unseen.";
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && ImapErrors.Map(e, endpoint) is { } error)
        {
            return error;
        }
        finally
        {
            session?.Dispose();
        }
    }

    // A container disposed synchronously (a command-line run) must still close the connections.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _sweeper.DisposeAsync();
        if (_idle is not null)
        {
            await _idle.DisposeAsync();
        }

        foreach (var pooled in _pool.Values)
        {
            await pooled.Lock.WaitAsync();
            try
            {
                pooled.Close();
            }
            finally
            {
                pooled.Lock.Release();
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> as a span named after its IMAP <paramref name="command"/>.</summary>
    private async Task<Result<T, MailError>> UseAsync<T>(string command, MailboxTarget mailbox, Func<ImapSession, CancellationToken, Task<Result<T, MailError>>> work, CancellationToken cancellationToken)
    {
        using var activity = ImapActivities.Start(command);
        var result = await UsePooledAsync(mailbox, work, cancellationToken);
        ImapActivities.Failed(activity, result.Error);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> on the listener's pooled session, opening one if needed; any failure closes it.</summary>
    private async Task<Result<T, MailError>> UsePooledAsync<T>(MailboxTarget mailbox, Func<ImapSession, CancellationToken, Task<Result<T, MailError>>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var endpoint = ImapEndpoint.Of(mailbox);
        var pooled = _pool.GetOrAdd(mailbox.ListenerId, _ => new Pooled());
        await pooled.Lock.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = false;
                try
                {
                    if (pooled.Session is { } existing && !await UsableAsync(existing, endpoint, mailbox, cancellationToken))
                    {
                        pooled.Close();
                    }

                    reused = pooled.Session is not null;
                    pooled.Session ??= await ImapSession.OpenAsync(endpoint, mailbox.Tokens, _guard, _options.CurrentValue, _logger, cancellationToken);
                    var result = await work(pooled.Session, cancellationToken);
                    pooled.Session.LastUsed = _time.GetUtcNow();
                    if (_disposed == 1)
                    {
                        pooled.Close();
                    }

                    return result;
                }
                catch (Exception e) when (ImapErrors.Map(e, endpoint) is { } error && !cancellationToken.IsCancellationRequested)
                {
                    pooled.Close();

                    // A pooled connection the server has closed meanwhile fails at its first command: once more on a new one.
                    if (reused && attempt == 0 && error.Kind == MailErrorKind.Transient)
                    {
                        continue;
                    }

                    return error;
                }
                catch
                {
                    pooled.Close();
                    throw;
                }
            }
        }
        finally
        {
            pooled.Lock.Release();
        }
    }

    // A session serves while it is connected, logged in with the same settings, and its token is still the current one.
    private async Task<bool> UsableAsync(ImapSession session, ImapEndpoint endpoint, MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        if (!session.Client.IsConnected || !session.Client.IsAuthenticated || session.Endpoint != endpoint || session.Token.ExpiresAt <= _time.GetUtcNow())
        {
            return false;
        }

        var current = await mailbox.Tokens.GetTokenAsync(cancellationToken);
        return current.Succeeded && current.Value.Value == session.Token.Value;
    }

    private async Task SweepAsync()
    {
        var cutoff = _time.GetUtcNow() - _options.CurrentValue.PooledConnectionIdleTimeout;
        foreach (var pooled in _pool.Values)
        {
            if (pooled.Session is { } session && session.LastUsed < cutoff && await pooled.Lock.WaitAsync(0))
            {
                try
                {
                    if (pooled.Session is not null && pooled.Session.LastUsed < cutoff)
                    {
                        pooled.Close();
                    }
                }
                finally
                {
                    pooled.Lock.Release();
                }
            }
        }
    }

    private static List<UniqueId> Uids(IReadOnlyList<string> itemIds, uint validity) =>
        [.. itemIds.Select(id => ImapSyncState.TryParseItemId(id, out var item) && item.UidValidity == validity ? new UniqueId(validity, item.Uid) : UniqueId.Invalid)
            .Where(u => u.IsValid)];

    private static MailItem Item(string itemId, IMessageSummary summary, byte[] mime) => MailItems.FromMime(
        itemId, mime, summary.Flags?.HasFlag(MessageFlags.Seen) == true, summary.InternalDate, summary.Size, summary.Attachments?.Any() == true);

    // One listener's pooled session and the lock that keeps its calls one at a time.
    private sealed class Pooled
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public ImapSession? Session { get; set; }

        public void Close()
        {
            Session?.Dispose();
            Session = null;
        }
    }
}
