using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Webhooks;
using Credo.OAuth;
using Credo.OAuth.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// One poll of one listener: changes since the saved sync state; fetch in batches of 10; record the mails with their
/// webhook deliveries, up to 100 in one transaction (deduplicated); apply the after-processing action; only then save
/// the sync state. A crash at any point repeats work on the next poll but never loses or doubles a mail.
/// </summary>
internal sealed class ListenerPoller(
    CredoDbContext db,
    ListenerMetrics metrics,
    CredentialService credentials,
    IEnumerable<IMailSource> sources,
    ITokenCache tokenCache,
    IOptionsMonitor<ListenerOptions> options,
    TimeProvider time,
    ILogger<ListenerPoller> logger)
{
    // Polls the listener; the outcome is written to its status.
    public async Task PollAsync(Guid listenerId, CancellationToken cancellationToken)
    {
        var listener = await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.Id == listenerId, cancellationToken);
        if (listener is null)
        {
            return;
        }

        var error = await RunAsync(listener, cancellationToken);
        var now = time.GetUtcNow();
        if (error is null)
        {
            metrics.Polled("success");
            await db.EmailListeners.Where(l => l.Id == listenerId).ExecuteUpdateAsync(u => u
                .SetProperty(l => l.LastPollAt, now)
                .SetProperty(l => l.LastSuccessAt, now)
                .SetProperty(l => l.LastError, (string?)null)
                .SetProperty(l => l.LastErrorHint, (string?)null)
                .SetProperty(l => l.ConsecutiveFailures, 0)
                .SetProperty(l => l.NextPollAt, now.AddSeconds(listener.PollIntervalSeconds)), cancellationToken);
            return;
        }

        metrics.Polled(error.Kind.ToString());
        var failures = listener.ConsecutiveFailures + 1;
        var settings = options.CurrentValue;
        var wait = Backoff.Delay(failures, settings.InitialBackoff, settings.MaxBackoff, error.RetryAfter);
        Log.PollFailed(logger, listener.Name, error.Message, wait);
        await db.EmailListeners.Where(l => l.Id == listenerId).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.LastPollAt, now)
            .SetProperty(l => l.LastError, Truncate(error.Message, 2000)!)
            .SetProperty(l => l.LastErrorHint, error.Hint == null ? null : Truncate(error.Hint, 1000))
            .SetProperty(l => l.ConsecutiveFailures, failures)
            .SetProperty(l => l.NextPollAt, now + wait), cancellationToken);
    }

    private async Task<MailError?> RunAsync(EmailListener listener, CancellationToken cancellationToken)
    {
        var source = sources.FirstOrDefault(s => string.Equals(s.Protocol, listener.Protocol, StringComparison.OrdinalIgnoreCase));
        if (source is null)
        {
            return new MailError(MailErrorKind.Permanent, $"No mail source handles the protocol {listener.Protocol}.");
        }

        var credential = await credentials.GetAsync(listener.CredentialId, cancellationToken);
        if (credential is null)
        {
            return new MailError(MailErrorKind.Permanent, "The listener's credential no longer exists.", "Choose a credential in the listener's settings.");
        }

        var tokens = new CachedAccessTokenSource(tokenCache, credential.Id.ToString(), credential.Version, credentials.ToClientCredentials(credential));
        var mailbox = new MailboxContext(listener, tokens);
        var state = listener.SyncState;
        var counts = new Counts();
        while (true)
        {
            var changes = await source.ChangesAsync(mailbox, state, cancellationToken);
            if (changes.Error is { Kind: MailErrorKind.InvalidSyncState } && state is not null)
            {
                // Start over without a state: everything is listed again, and deduplication keeps it from being recorded twice.
                Log.Resync(logger, listener.Name);
                state = null;
                continue;
            }

            if (changes.Error is { } changesError)
            {
                return changesError;
            }

            var error = await RecordChangesAsync(source, mailbox, changes.Value!.ItemIds, counts, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            // Saved only now: everything the state covers is recorded and processed.
            state = changes.Value.SyncState;
            await db.EmailListeners.Where(l => l.Id == listener.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.SyncState, state), cancellationToken);
            if (changes.Value.Complete)
            {
                break;
            }
        }

        if (counts.Recorded + counts.Skipped + counts.Duplicates > 0)
        {
            Log.Recorded(logger, listener.Name, counts.Recorded, counts.Skipped, counts.Duplicates);
        }

        return null;
    }

    // Fetches in batches of 10 (EWS's advice) and records up to 100 mails at a time in one transaction (one fsync),
    // then processes them. The next 100 are fetched while these are recorded and processed, so that waiting for the
    // disk overlaps waiting for the server; nothing is processed before it is recorded.
    private async Task<MailError?> RecordChangesAsync(IMailSource source, MailboxContext mailbox, IReadOnlyList<string> itemIds, Counts counts, CancellationToken cancellationToken)
    {
        var listener = mailbox.Listener;
        var groups = itemIds.Chunk(100).ToList();
        if (groups.Count == 0)
        {
            return null;
        }

        using var stopFetching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<MailResult<List<MailItem>>>? next = FetchGroupAsync(source, mailbox, groups[0], counts, stopFetching.Token);
        try
        {
            for (var i = 0; i < groups.Count; i++)
            {
                var fetched = await next!;
                next = null;
                if (fetched.Error is { } fetchError)
                {
                    return fetchError;
                }

                if (i + 1 < groups.Count)
                {
                    next = FetchGroupAsync(source, mailbox, groups[i + 1], counts, stopFetching.Token);
                }

                var wanted = fetched.Value!;
                var (recorded, duplicates) = await RecordAsync(listener, wanted, cancellationToken);
                counts.Recorded += recorded;
                counts.Duplicates += duplicates;
                foreach (var item in wanted)
                {
                    var applied = await source.ApplyAsync(mailbox, item, listener.AfterProcessing, listener.MoveToFolder, cancellationToken);
                    if (applied.Error is { } applyError)
                    {
                        return applyError;
                    }
                }

                await RenewLeaseAsync(listener.Id, cancellationToken);
            }

            return null;
        }
        finally
        {
            if (next is not null)
            {
                // Stopped early: the fetch under way is of no use, but must end before the poll does.
                await stopFetching.CancelAsync();
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static async Task<MailResult<List<MailItem>>> FetchGroupAsync(IMailSource source, MailboxContext mailbox, string[] group, Counts counts, CancellationToken cancellationToken)
    {
        var wanted = new List<MailItem>(group.Length);
        foreach (var batch in group.Chunk(10))
        {
            var fetched = await source.FetchAsync(mailbox, batch, cancellationToken);
            if (fetched.Error is { } fetchError)
            {
                return fetchError;
            }

            var passing = fetched.Value!.Where(item => Passes(mailbox.Listener, item)).ToList();
            counts.Skipped += fetched.Value!.Count - passing.Count;
            wanted.AddRange(passing);
        }

        return wanted;
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "A parsed message reads its parts from the MemoryStream while it lives; the stream holds no unmanaged resource.")]
    private async Task<(int Recorded, int Duplicates)> RecordAsync(EmailListener listener, List<MailItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return (0, 0);
        }

        var keys = items.Select(DedupeKey).ToList();
        var existing = (await db.ReceivedMessages.AsNoTracking()
            .Where(m => m.ListenerId == listener.Id && keys.Contains(m.DedupeKey))
            .Select(m => m.DedupeKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var now = time.GetUtcNow();
        var recorded = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var parser = new MimeParser(Stream.Null, persistent: true);
        foreach (var item in items)
        {
            var key = DedupeKey(item);
            if (!existing.Add(key))
            {
                continue;
            }

            // The parts refer to the fetched bytes instead of copying them; one parser serves the whole group.
            parser.SetStream(new MemoryStream(item.Mime, writable: false), MimeFormat.Entity, persistent: true);
            var mime = parser.ParseMessage(cancellationToken);
            var message = new ReceivedMessage
            {
                Id = Guid.NewGuid(),
                ListenerId = listener.Id,
                DedupeKey = key,
                ItemId = item.ItemId,
                InternetMessageId = item.InternetMessageId,
                From = Truncate(item.From, 1000),
                To = string.Join(", ", item.To),
                Cc = string.Join(", ", item.Cc),
                Subject = Truncate(item.Subject, 2000),
                ReceivedAt = item.ReceivedAt,
                Size = item.Size,
                Attachments = JsonSerializer.Serialize(mime.Attachments.OfType<MimePart>().Select(p => new { name = p.FileName, contentType = p.ContentType.MimeType })),
                BodyPreview = Truncate(mime.TextBody?.Trim(), 200),
                Mime = item.Mime,
                RecordedAt = now,
            };
            db.ReceivedMessages.Add(message);
            if (listener.WebhookUrl is not null)
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = Guid.NewGuid(),
                    MessageId = message.Id,
                    ListenerId = listener.Id,
                    Payload = WebhookPayload.Build(listener, message, mime, listener.IncludeAttachments && item.Size <= options.CurrentValue.MaxAttachmentMessageBytes),
                    Status = DeliveryStatus.Pending,
                    NextAttemptAt = now,
                    CreatedAt = now,
                });
            }

            recorded++;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (recorded > 0)
        {
            await db.EmailListeners.Where(l => l.Id == listener.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.MessagesReceived, l => l.MessagesReceived + recorded), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        metrics.Recorded(recorded);
        return (recorded, items.Count - recorded);
    }

    private async Task RenewLeaseAsync(Guid listenerId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await db.EmailListeners.Where(l => l.Id == listenerId && l.LeaseOwner == settings.NodeName)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseExpiresAt, time.GetUtcNow() + settings.LeaseDuration), cancellationToken);
    }

    private static bool Passes(EmailListener listener, MailItem item) =>
        (!listener.UnreadOnly || !item.IsRead) &&
        (listener.FromContains is null || item.From?.Contains(listener.FromContains, StringComparison.OrdinalIgnoreCase) == true) &&
        (listener.SubjectContains is null || item.Subject?.Contains(listener.SubjectContains, StringComparison.OrdinalIgnoreCase) == true) &&
        (!listener.OnlyWithAttachments || item.HasAttachments);

    private static string DedupeKey(MailItem item) =>
        string.IsNullOrWhiteSpace(item.InternetMessageId) ? "item:" + item.ItemId : item.InternetMessageId.Trim();

    // Mails handled in one poll. Skipped is counted by the fetch, which runs one group ahead of the rest.
    private sealed class Counts
    {
        public int Recorded { get; set; }

        public int Skipped { get; set; }

        public int Duplicates { get; set; }
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
