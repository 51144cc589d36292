using System.Collections.Concurrent;
using Credo.Core.Listeners.Sources.Pop3.Internal;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.Pop3;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Sources.Pop3;

/// <summary>
/// Mail over POP3 with MailKit. A poll is one session: the first call signs in and lists the mailbox by <c>UIDL</c>, new
/// mail is what the sync state (the UIDLs processed, <see cref="Pop3SyncState"/>) does not hold, <c>RETR</c> fetches it
/// and <c>DELE</c> marks what the listener recorded for deletion; <c>QUIT</c> at the end of the poll applies the
/// deletions. Only mail handed to <see cref="ApplyAsync"/>, which the engine has recorded, is ever marked: mail the filters
/// skip stays. A session that ends without <c>QUIT</c> (a failure, a crash) deletes nothing; the next poll then reads
/// again the processed mail that is still there (once), and the engine, which finds it recorded already, hands it back
/// for deletion while the filters keep skipping the rest. POP3 has no flags: every mail counts as unread.
/// </summary>
internal sealed partial class Pop3MailSource(OutboundGuard guard, IOptionsMonitor<Pop3Options> options, ILogger<Pop3MailSource> logger) : IMailSource, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<Guid, PollSession> _sessions = new();

    // Listeners whose last session in this process ended with a QUIT the server accepted: their deletions are applied.
    private readonly ConcurrentDictionary<Guid, bool> _settled = new();

    public string Protocol => Pop3Protocol.Id;

    // One session per mailbox and one command at a time: POP3 servers allow a mailbox one session.
    public MailSourceCapabilities Capabilities { get; } = new(PageSize: 100, FetchBatchSize: 10, ApplyBatchSize: 100, MaxConcurrentRequests: 1);

    public Task<Result<MailChanges, MailError>> ChangesAsync(MailboxTarget mailbox, string? syncState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        if (!Pop3SyncState.TryParse(syncState, out var processed, out var deleting))
        {
            return Task.FromResult<Result<MailChanges, MailError>>(new MailError(
                MailErrorKind.InvalidSyncState, "The listener's POP3 sync state is not one this version of Credo wrote, so the mailbox is read again from the start."));
        }

        var delete = mailbox.AfterProcessing == AfterProcessing.Delete;
        return UseAsync<MailChanges>(mailbox, (poll, ct) =>
        {
            // Deletions marked by a session that did not end with QUIT here are not known to be applied: the processed
            // mail still there is read again once, so that what was recorded is deleted and what was skipped stays.
            poll.Unsettled ??= deleting && !_settled.GetValueOrDefault(mailbox.ListenerId)
                ? [.. poll.Listing.Select(m => m.Hash).Where(processed.Contains)]
                : [];
            var fresh = poll.Listing.Where(m => (!processed.Contains(m.Hash) || poll.Unsettled.Contains(m.Hash)) && !poll.Handed.Contains(m.Hash)).ToList();
            var page = fresh.Take(Capabilities.PageSize).ToList();
            poll.Handed.UnionWith(page.Select(m => m.Hash));
            var listed = poll.Listing.Select(m => m.Hash).ToHashSet();
            return Task.FromResult<Result<MailChanges, MailError>>(new MailChanges(
                [.. page.Select(m => new MailRef(m.Info.Uidl))],
                Pop3SyncState.Format(processed.Where(listed.Contains).Concat(page.Select(m => m.Hash)), delete),
                fresh.Count <= Capabilities.PageSize));
        }, cancellationToken);
    }

    public Task<Result<IReadOnlyList<MailItem>, MailError>> FetchAsync(MailboxTarget mailbox, IReadOnlyList<MailRef> listed, CancellationToken cancellationToken) =>
        UseAsync<IReadOnlyList<MailItem>>(mailbox, async (poll, ct) =>
        {
            var items = new List<MailItem>(listed.Count);
            foreach (var item in listed)
            {
                // A mail another client deleted since the listing is gone: left out.
                if (!poll.ByUidl.TryGetValue(item.ItemId, out var info))
                {
                    continue;
                }

                var mime = await poll.Session.FetchAsync(info.Index, ct);
                if (!mime.Succeeded)
                {
                    return Map(mime.Error);
                }

                items.Add(MailItems.FromMime(info.Uidl, mime.Value, isRead: false, size: info.Size));
            }

            return items;
        }, cancellationToken);

    public Task<Result<bool, MailError>> ApplyAsync(MailboxTarget mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken) =>
        mailbox.AfterProcessing != AfterProcessing.Delete
            ? Task.FromResult<Result<bool, MailError>>(true)
            : UseAsync<bool>(mailbox, async (poll, ct) =>
            {
                // Marked now, deleted by the QUIT that ends the poll; a mail that is gone counts as done.
                List<int> indexes = [.. items.Select(i => poll.ByUidl.GetValueOrDefault(i.ItemId)).OfType<Pop3MessageInfo>().Select(m => m.Index)];
                var marked = indexes.Count == 0 ? 0 : await poll.Session.DeleteAsync(indexes, ct);
                return marked.Succeeded ? true : Map(marked.Error);
            }, cancellationToken);

    public async Task<Result<string, MailError>> TestAsync(MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var endpoint = Endpoint(mailbox);
        var opened = await Pop3Session.OpenAsync(endpoint, mailbox.Tokens, guard, options.CurrentValue, logger, cancellationToken);
        if (!opened.Succeeded)
        {
            return Map(opened.Error);
        }

        await using var session = opened.Value;
        var quit = await session.QuitAsync(cancellationToken);
        return quit.Succeeded ? $"{endpoint.User} on {endpoint}: {session.Count} message(s)." : Map(quit.Error);
    }

    public async ValueTask EndPollAsync(MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        if (_sessions.TryRemove(mailbox.ListenerId, out var poll))
        {
            // QUIT applies the deletions; without it the next poll reads the processed mail again to delete it.
            await using (poll.Session)
            {
                var quit = await poll.Session.QuitAsync(cancellationToken);
                _settled[mailbox.ListenerId] = quit.Succeeded;
                if (!quit.Succeeded)
                {
                    LogQuitFailed(logger, mailbox.ListenerId, quit.Error.Message);
                }
            }
        }
    }

    // A container disposed synchronously (a command-line run) must still close the connections.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // Sessions still open when the host stops end without QUIT: nothing is deleted, and the next poll deletes again.
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out var poll))
            {
                await poll.Session.DisposeAsync();
            }
        }
    }

    private static Pop3Endpoint Endpoint(MailboxTarget mailbox)
    {
        var pop3 = mailbox.Settings;
        return new(pop3.Text("host"), pop3.Number("port"), pop3.Choice<Pop3Security>("security"), pop3["userName"] ?? mailbox.Mailbox, pop3.Choice<Pop3Sasl>("sasl"));
    }

    private static MailError Map(Pop3Error error) =>
        MailError.OfClient(error.Kind == Pop3ErrorKind.Throttled, error.Kind == Pop3ErrorKind.Connection, error.Message, error.Hint, error.RetryAfter);

    /// <summary>Runs <paramref name="work"/> on the poll's session, signing in and listing first if there is none; a failure ends the session without <c>QUIT</c>.</summary>
    private async Task<Result<T, MailError>> UseAsync<T>(MailboxTarget mailbox, Func<PollSession, CancellationToken, Task<Result<T, MailError>>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var endpoint = Endpoint(mailbox);
        if (_sessions.TryGetValue(mailbox.ListenerId, out var kept) && (kept.Session.Endpoint != endpoint || kept.Version != mailbox.Version || kept.CredentialId != mailbox.CredentialId))
        {
            await DropAsync(mailbox.ListenerId);
        }

        if (!_sessions.TryGetValue(mailbox.ListenerId, out var poll))
        {
            var opened = await Pop3Session.OpenAsync(endpoint, mailbox.Tokens, guard, options.CurrentValue, logger, cancellationToken);
            if (!opened.Succeeded)
            {
                return Map(opened.Error);
            }

            var listing = await opened.Value.ListAsync(cancellationToken);
            if (!listing.Succeeded)
            {
                await opened.Value.DisposeAsync();
                return Map(listing.Error);
            }

            poll = new PollSession(opened.Value, mailbox.Version, mailbox.CredentialId, listing.Value);
            _sessions[mailbox.ListenerId] = poll;
        }

        try
        {
            var result = await work(poll, cancellationToken);
            if (!result.Succeeded)
            {
                await DropAsync(mailbox.ListenerId);
            }

            return result;
        }
        catch
        {
            await DropAsync(mailbox.ListenerId);
            throw;
        }
    }

    private async Task DropAsync(Guid listenerId)
    {
        _settled[listenerId] = false;
        if (_sessions.TryRemove(listenerId, out var poll))
        {
            await poll.Session.DisposeAsync();
        }
    }

    // One poll's session, its listing by UIDL, and the processed mail it reads again because earlier deletions are unsettled.
    private sealed class PollSession(Pop3Session session, long version, Guid credentialId, IReadOnlyList<Pop3MessageInfo> listing)
    {
        public Pop3Session Session { get; } = session;

        public long Version { get; } = version;

        public Guid CredentialId { get; } = credentialId;

        public IReadOnlyList<(Pop3MessageInfo Info, ulong Hash)> Listing { get; } = [.. listing.Select(m => (m, Pop3SyncState.Hash(m.Uidl)))];

        public Dictionary<string, Pop3MessageInfo> ByUidl { get; } = listing.ToDictionary(m => m.Uidl, StringComparer.Ordinal);

        public HashSet<ulong>? Unsettled { get; set; }

        public HashSet<ulong> Handed { get; } = [];
    }

    [LoggerMessage(2700, LogLevel.Warning, "Listener {ListenerId}: the POP3 server did not accept QUIT ({Error}), so the deletions of this poll were not applied; the next poll deletes again")]
    private static partial void LogQuitFailed(ILogger logger, Guid listenerId, string error);
}
