using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Webhooks;
using Credo.Net;
using Credo.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// One poll of one listener, page by page: the source's changes since the saved sync state; fetch in the source's batch
/// size; record the mails with their webhook deliveries in one transaction (deduplicated); apply the after-processing
/// action in batches; only then save the page's sync state. Throttled requests wait and are retried in place, passing
/// faults at most twice (<see cref="RequestRetry"/>). Every poll is bounded: one full resync, <see cref="ListenerOptions.MaxPagesPerPoll"/>
/// pages and <see cref="ListenerOptions.MaxPollDuration"/>, then it yields to the next poll, which goes on from there. A
/// crash at any point repeats at most one page on the next poll but never loses or doubles a mail.
/// </summary>
internal sealed class ListenerPoller(
    CredoDbContext db,
    ListenerMetrics metrics,
    CredentialStore credentials,
    CredentialSecrets secrets,
    CredentialTokenSources tokenSources,
    MailSources sources,
    ListenerLease lease,
    PushKeeper push,
    ListenerWakes wakes,
    PollStatusWriter statuses,
    IOptionsMonitor<ListenerOptions> options,
    TimeProvider time,
    ILogger<ListenerPoller> logger)
{
    // Mails recorded in one transaction: one fsync for many, and a bound on what one page keeps in memory.
    private const int RecordGroupSize = 100;

    // How long a source may take to end its poll's session (POP3's QUIT, which applies its deletions).
    private static readonly TimeSpan EndPollTime = TimeSpan.FromSeconds(10);

    /// <summary>Listeners with the version of their credential, as a poll needs them.</summary>
    public static IQueryable<DueListener> WithCredentialVersion(CredoDbContext db, IQueryable<EmailListener> listeners) =>
        from l in listeners
        join c in db.Credentials on l.CredentialId equals c.Id into credential
        from c in credential.DefaultIfEmpty()
        select new DueListener(l, c == null ? -1 : c.Version);

    /// <summary>Polls the listener, whose lease this node holds; the outcome is written to its status.</summary>
    public async Task PollAsync(Guid listenerId, CancellationToken cancellationToken)
    {
        var due = await WithCredentialVersion(db, db.EmailListeners.AsNoTracking().Where(l => l.Id == listenerId)).SingleOrDefaultAsync(cancellationToken);
        if (due is not null)
        {
            await PollAsync(due, new PollProgress(time.GetUtcNow()), cancellationToken);
        }
    }

    /// <summary>
    /// Polls a listener already read (with its credential's version), whose lease this node holds, telling
    /// <paramref name="progress"/> what it does. The outcome is written to the listener's status; a cancelled poll
    /// (the server stops, or the engine stopped it because its listener changed) writes nothing and throws.
    /// </summary>
    public async Task PollAsync(DueListener due, PollProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        ArgumentNullException.ThrowIfNull(progress);
        var (listener, credentialVersion) = due;
        var listenerId = listener.Id;
        var poll = new Poll(listener, progress);
        var started = time.GetTimestamp();
        using var activity = ListenerActivities.Listeners.StartActivity(ListenerActivities.PollName);
        activity?.SetTag("credo.listener.id", listenerId.ToString());
        activity?.SetTag("credo.mail.protocol", listener.Protocol.ToString());
        var settings = options.CurrentValue;
        using var retry = new RequestRetry(settings, time, progress, ct => lease.RenewAsync(listener.Id, ct));
        var outcome = await RunAsync(poll, credentialVersion, retry, activity, cancellationToken);
        var error = outcome.Error;
        var result = ListenerMetrics.PollResult(error);
        metrics.Polled(listener.Protocol, result, time.GetElapsedTime(started));
        if (activity is not null)
        {
            activity.SetTag("credo.poll.result", result);
            activity.SetTag("credo.poll.recorded", progress.Recorded);
            if (error is not null)
            {
                // The kind only: an error message may quote the server, and the server may quote the mailbox.
                activity.SetTag("error.type", result);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        var now = time.GetUtcNow();
        var state = poll.State;
        var node = settings.NodeName;
        if (error is null)
        {
            // A poll that yielded (its page or time bound) goes on at once, after the listeners waiting for their turn; one
            // woken while it ran (a push notification, IDLE, Poll now) polls again at once, since what woke it may have come
            // after this poll read the mailbox.
            var next = outcome.Yielded ? now : now.AddSeconds(listener.PollIntervalSeconds);
            var pollStarted = progress.StartedAt;
            await statuses.WriteAsync(listenerId, listener.Version, state, pollStarted, now, next);
            if (!outcome.Yielded)
            {
                // A notification before this poll read the mailbox announced nothing it did not find: no mail to time.
                wakes.ForgetNotified(listenerId, pollStarted);
            }

            return;
        }

        var failures = listener.ConsecutiveFailures + 1;
        var wait = FailedPollWait(listener, failures, error, settings);
        var firstFailure = retry.FirstFailureAt ?? now;
        Log.PollFailed(logger, listener.Name, error.Message, wait);
        await db.EmailListeners.Where(l => l.Id == listenerId).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.SyncState, l => l.LeaseOwner == node ? state : l.SyncState)
            .SetProperty(l => l.LastPollAt, now)
            .SetProperty(l => l.LastError, Storable(error.Message, 2000)!)
            .SetProperty(l => l.LastErrorHint, error.Hint == null ? null : Storable(error.Hint, 1000))
            .SetProperty(l => l.LastErrorDetails, error.Details == null ? null : Storable(error.Details, 2000))
            .SetProperty(l => l.ConsecutiveFailures, failures)
            .SetProperty(l => l.FailingSince, l => l.FailingSince ?? firstFailure)
            .SetProperty(l => l.PollStartedAt, (DateTimeOffset?)null)
            .SetProperty(l => l.PollActivity, (string?)null)
            .SetProperty(l => l.NextPollAt, now + wait), cancellationToken);
    }

    /// <summary>
    /// The wait after the <paramref name="failures"/>th failed poll in a row: the poll interval, doubling with each further
    /// failure up to <see cref="ListenerOptions.MaxBackoff"/> (or the interval when that is longer), with jitter, and never
    /// shorter than the server asked.
    /// </summary>
    internal static TimeSpan FailedPollWait(EmailListener listener, int failures, MailError error, ListenerOptions settings)
    {
        var interval = TimeSpan.FromSeconds(listener.PollIntervalSeconds);
        return Backoff.Delay(failures, interval, interval > settings.MaxBackoff ? interval : settings.MaxBackoff, error.RetryAfter);
    }

    private async Task<PollOutcome> RunAsync(Poll poll, long credentialVersion, RequestRetry retry, Activity? activity, CancellationToken cancellationToken)
    {
        var listener = poll.Listener;
        var found = sources.For(listener.Protocol);
        if (!found.Succeeded)
        {
            return new(found.Error);
        }

        var (protocol, source) = found.Value;
        if (await tokenSources.GetAsync(listener.CredentialId, credentialVersion, credentials, secrets, cancellationToken) is not { } tokens)
        {
            return new(new MailError(MailErrorKind.Permanent, "The listener's credential no longer exists.", "Choose a credential in the listener's settings."));
        }

        // Checked again here, whatever was saved: a listener saved before the rule, or whose credential changed since, gets no token.
        if (TokenDestination.Refuse(protocol, TokenDestination.Of(listener), tokens.Credential) is { } refused)
        {
            return new(new MailError(MailErrorKind.Permanent, refused.Message, TokenDestination.RefusedHint));
        }

        var settings = options.CurrentValue;
        var mailbox = MailboxTarget.Of(listener, protocol, new PollTokenSource(tokens.Source, activity));
        var started = time.GetTimestamp();
        var resynced = false;
        try
        {
            for (var pages = 1; ; pages++)
            {
                poll.Progress.Doing("listing new mail");
                var changes = await retry.RunAsync(ct => source.ChangesAsync(mailbox, poll.State, ct), cancellationToken);
                if (changes.Error is { Kind: MailErrorKind.InvalidSyncState } invalid && poll.State is not null)
                {
                    if (resynced)
                    {
                        // A server that refuses the state it has just handed out would make the poll loop: one resync a poll.
                        return new(invalid with
                        {
                            Kind = MailErrorKind.Permanent,
                            Message = $"{invalid.Message} The server refused its own sync state again right after a full resync, so this poll stopped instead of starting over once more; the next poll tries again.",
                        });
                    }

                    // Start over without a state: everything is listed again, and deduplication keeps it from being recorded twice.
                    Log.Resync(logger, listener.Name);
                    resynced = true;
                    poll.State = null;
                    continue;
                }

                if (!changes.Succeeded)
                {
                    return new(changes.Error);
                }

                var page = changes.Value;
                if (page.Items.Count > 0)
                {
                    foreach (var group in page.Items.Chunk(RecordGroupSize))
                    {
                        if (await RecordGroupAsync(source, mailbox, group, retry, poll, cancellationToken) is { } error)
                        {
                            return new(error);
                        }
                    }

                    // Saved only now: everything the state covers is recorded and processed.
                    if (!await lease.SaveProgressAsync(listener.Id, page.SyncState, cancellationToken))
                    {
                        return new(new MailError(MailErrorKind.Transient, "Another node took this listener over during the poll; it goes on there."));
                    }
                }

                // A page without new mail needs no save of its own: the status update at the end of the poll carries it.
                poll.State = page.SyncState;
                if (page.Complete)
                {
                    poll.Progress.Doing("keeping the push subscription");
                    await push.KeepAsync(source, mailbox, listener, poll.Progress.StartedAt, cancellationToken);
                    return new(null);
                }

                if (pages >= settings.MaxPagesPerPoll || time.GetElapsedTime(started) >= settings.MaxPollDuration)
                {
                    // Bounded: the next poll goes on from here, after the other listeners had their turn.
                    return new(null, Yielded: true);
                }
            }
        }
        finally
        {
            await EndPollAsync(source, mailbox);
            if (poll.Progress.Recorded + poll.Skipped + poll.Duplicates > 0)
            {
                Log.Recorded(logger, listener.Name, poll.Progress.Recorded, poll.Skipped, poll.Duplicates);
            }

            if (retry.Waits > 0)
            {
                metrics.Throttled(listener.Protocol, retry.Waits, retry.Waited);
                Log.Retried(logger, listener.Name, retry.Waits, retry.Waited);
            }
        }
    }

    // Lets a source end what it keeps for the poll; bounded, since the poll may have ended because the server stopped answering.
    private static async Task EndPollAsync(IMailSource source, MailboxTarget mailbox)
    {
        using var ending = new CancellationTokenSource(EndPollTime);
        try
        {
            await source.EndPollAsync(mailbox, ending.Token);
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            // The source's session is dropped; whatever it had not confirmed is done again by the next poll.
        }
    }

    // Fetches a group (several batches in flight, as many as the source allows), records the wanted mails in one
    // transaction, then applies the after-processing action in the source's batch size.
    private async Task<MailError?> RecordGroupAsync(IMailSource source, MailboxTarget mailbox, MailRef[] group, RequestRetry retry, Poll poll, CancellationToken cancellationToken)
    {
        var capabilities = source.Capabilities;
        var batches = group.Chunk(capabilities.FetchBatchSize).ToArray();
        poll.Progress.Doing($"fetching {group.Length} mail{(group.Length == 1 ? "" : "s")}");
        var fetched = new Result<IReadOnlyList<MailItem>, MailError>[batches.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, batches.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, capabilities.MaxConcurrentRequests), CancellationToken = cancellationToken },
            async (i, ct) => fetched[i] = await retry.RunAsync(c => source.FetchAsync(mailbox, batches[i], c), ct));

        var wanted = new List<MailItem>(group.Length);
        foreach (var batch in fetched)
        {
            if (!batch.Succeeded)
            {
                return batch.Error;
            }

            foreach (var item in batch.Value)
            {
                if (Passes(poll.Listener, item))
                {
                    wanted.Add(item);
                }
                else
                {
                    poll.Skipped++;
                }
            }
        }

        poll.Progress.Doing("recording mails");
        using (var recording = ListenerActivities.Listeners.StartActivity(ListenerActivities.RecordName))
        {
            var (recorded, duplicates) = await RecordAsync(poll.Listener, wanted, cancellationToken);
            poll.Progress.AddRecorded(recorded);
            poll.Duplicates += duplicates;
            recording?.SetTag("credo.record.recorded", recorded);
            recording?.SetTag("credo.record.duplicates", duplicates);
        }

        if (mailbox.AfterProcessing == AfterProcessing.None)
        {
            return null;
        }

        poll.Progress.Doing(mailbox.AfterProcessing switch
        {
            AfterProcessing.MarkRead => "marking mails read",
            AfterProcessing.Move => "moving mails",
            _ => "deleting mails",
        });
        using var processing = ListenerActivities.Listeners.StartActivity(ListenerActivities.AfterProcessingName);
        processing?.SetTag("credo.after_processing.action", mailbox.AfterProcessing.ToString());
        processing?.SetTag("credo.after_processing.mails", wanted.Count);
        foreach (var batch in wanted.Chunk(capabilities.ApplyBatchSize))
        {
            var applied = await retry.RunAsync(ct => source.ApplyAsync(mailbox, batch, ct), cancellationToken);
            if (!applied.Succeeded)
            {
                processing?.SetTag("error.type", ListenerMetrics.PollResult(applied.Error));
                processing?.SetStatus(ActivityStatusCode.Error);
                return applied.Error;
            }
        }

        return null;
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
                InternetMessageId = Storable(item.InternetMessageId, int.MaxValue),
                From = Storable(item.From, 1000),
                To = Storable(string.Join(", ", item.To), int.MaxValue),
                Cc = Storable(string.Join(", ", item.Cc), int.MaxValue),
                Subject = Storable(item.Subject, 2000),
                ReceivedAt = item.ReceivedAt,
                Size = item.Size,
                Attachments = JsonSerializer.Serialize(mime.Attachments.OfType<MimePart>().Select(p => new { name = Storable(p.FileName, int.MaxValue), contentType = p.ContentType.MimeType })),
                BodyPreview = Storable(mime.TextBody?.Trim(), 200),
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
            await db.EmailListeners.Where(l => l.Id == listener.Id).ExecuteUpdateAsync(u => u
                .SetProperty(l => l.MessagesReceived, l => l.MessagesReceived + recorded)
                .SetProperty(l => l.LastMessageAt, now), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        metrics.Recorded(listener.Protocol, recorded);
        if (recorded > 0 && wakes.TakeNotified(listener.Id) is { } waited)
        {
            metrics.NotifiedToRecorded(waited);
        }

        return (recorded, items.Count - recorded);
    }

    private static bool Passes(EmailListener listener, MailItem item) =>
        (!listener.UnreadOnly || !item.IsRead) &&
        (listener.FromContains is null || item.From?.Contains(listener.FromContains, StringComparison.OrdinalIgnoreCase) == true) &&
        (listener.SubjectContains is null || item.Subject?.Contains(listener.SubjectContains, StringComparison.OrdinalIgnoreCase) == true) &&
        (!listener.OnlyWithAttachments || item.HasAttachments);

    private static string DedupeKey(MailItem item) =>
        string.IsNullOrWhiteSpace(item.InternetMessageId) ? "item:" + item.ItemId : Storable(item.InternetMessageId.Trim(), int.MaxValue)!;

    // One poll's progress: the sync state it has reached, and what it did with the mails.
    private sealed class Poll(EmailListener listener, PollProgress progress)
    {
        public EmailListener Listener { get; } = listener;

        public PollProgress Progress { get; } = progress;

        public string? State { get; set; } = listener.SyncState;

        public int Skipped { get; set; }

        public int Duplicates { get; set; }
    }

    // What a mail says, as the database can hold it: PostgreSQL refuses U+0000 in text, and one mail carrying it (Graph
    // and IMAP pass it on) would fail every poll of its listener from then on; so it is dropped, on every database alike.
    private static string? Storable(string? text, int max)
    {
        if (text is null)
        {
            return null;
        }

        var stored = text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text;
        return stored.Length <= max ? stored : stored[..max];
    }
}

/// <summary>A listener to poll, with the version of its credential (-1 when the credential is gone).</summary>
/// <param name="Listener">The listener as read.</param>
/// <param name="CredentialVersion">Its credential's version.</param>
internal sealed record DueListener(EmailListener Listener, long CredentialVersion);
