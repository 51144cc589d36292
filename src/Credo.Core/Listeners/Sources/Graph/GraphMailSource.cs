using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Credo.Graph;
using Credo.Net;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Sources.Graph;

/// <summary>
/// Mail over Microsoft Graph: the folder's message delta (<c>changeType=created</c>, the recorded properties selected)
/// in pages of 100 for what is new, one <c>$value</c> per mail for its MIME (up to four in flight, Exchange Online's
/// limit per mailbox), and the after-processing action for up to 20 messages in one JSON batch. With push, a subscription
/// to the folder's new messages (<see cref="SubscriptionLife"/>, renewed when a quarter of it is left) makes Graph post a
/// change notification to Credo's <c>/hooks/graph</c> when mail arrives.
/// </summary>
internal sealed class GraphMailSource(IGraphClient graph, IOptionsMonitor<GraphOptions> options, IOptionsMonitor<PushOptions> push, TimeProvider time)
    : IMailSource, IPushSource
{
    /// <summary>How long a subscription is asked for: under both limits Graph has documented for mail (4,230 and 10,080 minutes).</summary>
    public static readonly TimeSpan SubscriptionLife = TimeSpan.FromMinutes(4200);

    private readonly ConcurrentDictionary<string, string> _folders = new(StringComparer.OrdinalIgnoreCase);

    // The messages of an after-processing batch already done, for when the engine tries the batch again after Graph
    // throttled some of its requests: only the rest is sent again. Kept only while the engine holds the batch.
    private readonly ConditionalWeakTable<IReadOnlyList<MailItem>, HashSet<string>> _applied = [];

    public string Protocol => GraphProtocol.Id;

    // One MIME per fetch: a throttled $value is then tried again alone, not with the mails fetched beside it.
    public MailSourceCapabilities Capabilities => new(
        PageSize: 100, FetchBatchSize: 1, ApplyBatchSize: GraphLimits.MaxRequestsPerBatch, MaxConcurrentRequests: options.CurrentValue.MaxConcurrentRequestsPerMailbox);

    public async Task<Result<MailChanges, MailError>> ChangesAsync(MailboxTarget mailbox, string? syncState, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        Result<GraphDeltaPage, GraphError> page;
        if (syncState is null)
        {
            var folder = await FolderAsync(box, mailbox.Folder, cancellationToken);
            if (!folder.Succeeded)
            {
                return folder.Error;
            }

            page = await graph.StartDeltaAsync(box, folder.Value, Capabilities.PageSize, cancellationToken);
        }
        else
        {
            page = await graph.ContinueDeltaAsync(box, syncState, Capabilities.PageSize, cancellationToken);
        }

        return page.Succeeded
            ? new MailChanges([.. page.Value.Messages.Select(m => new MailRef(m.Id, m))], page.Value.Link, page.Value.Complete)
            : Map(page.Error);
    }

    public async Task<Result<IReadOnlyList<MailItem>, MailError>> FetchAsync(MailboxTarget mailbox, IReadOnlyList<MailRef> listed, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var items = new List<MailItem>(listed.Count);
        foreach (var item in listed)
        {
            // The engine hands back what this source listed: the delta's properties are always there.
            var message = item.Listing as GraphMessage
                ?? throw new ArgumentException($"The item {item.ItemId} was not listed by the Graph source.", nameof(listed));
            var mime = await graph.GetMimeAsync(box, message.Id, cancellationToken);
            if (mime.Error is { Kind: GraphErrorKind.ItemNotFound })
            {
                continue;
            }

            if (!mime.Succeeded)
            {
                return Map(mime.Error);
            }

            items.Add(new MailItem(
                message.Id,
                message.InternetMessageId,
                message.From?.ToString(),
                [.. message.To.Select(a => a.ToString())],
                [.. message.Cc.Select(a => a.ToString())],
                message.Subject,
                message.ReceivedAt,
                mime.Value.Length,
                message.HasAttachments,
                message.IsRead,
                mime.Value));
        }

        return items;
    }

    public async Task<Result<bool, MailError>> ApplyAsync(MailboxTarget mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var done = _applied.GetOrCreateValue(items);
        string[] pending = [.. items.Where(i => !done.Contains(i.ItemId) && (mailbox.AfterProcessing != AfterProcessing.MarkRead || !i.IsRead)).Select(i => i.ItemId)];
        if (pending.Length == 0 || mailbox.AfterProcessing == AfterProcessing.None)
        {
            return true;
        }

        Result<IReadOnlyList<Result<bool, GraphError>>, GraphError> results;
        switch (mailbox.AfterProcessing)
        {
            case AfterProcessing.MarkRead:
                results = await graph.SetReadAsync(box, pending, true, cancellationToken);
                break;
            case AfterProcessing.Move:
                var target = await FolderAsync(box, mailbox.MoveToFolder ?? "", cancellationToken);
                if (!target.Succeeded)
                {
                    return target.Error;
                }

                results = await graph.MoveAsync(box, pending, target.Value, cancellationToken);
                break;
            default:
                results = await graph.MoveAsync(box, pending, GraphWellKnownFolders.DeletedItems, cancellationToken);
                break;
        }

        if (!results.Succeeded)
        {
            return Map(results.Error);
        }

        GraphError? first = null;
        TimeSpan? wait = null;
        for (var i = 0; i < pending.Length; i++)
        {
            // A message that is gone counts as done.
            if (results.Value[i].Error is not { Kind: not GraphErrorKind.ItemNotFound } error)
            {
                done.Add(pending[i]);
                continue;
            }

            first ??= error;
            if (error.RetryAfter is { } after && !(wait >= after))
            {
                wait = after;
            }
        }

        // Throttled requests inside the batch: the engine waits the longest Retry-After and sends only those again.
        return first is null ? true : Map(first) with { RetryAfter = wait };
    }

    public async Task<Result<string, MailError>> TestAsync(MailboxTarget mailbox, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var folder = await graph.ResolveFolderAsync(box, mailbox.Folder, cancellationToken);
        return folder.Succeeded
            ? $"{box.User} › {mailbox.Folder}: {folder.Value.TotalItemCount} item(s), {folder.Value.UnreadItemCount} unread."
            : Map(folder.Error);
    }

    public bool Pushes(MailboxTarget mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return push.CurrentValue.PublicUrl is not null && mailbox.Settings.Protocol.Pushes(mailbox.Settings);
    }

    public async Task<Result<PushSubscription, MailError>> KeepAsync(MailboxTarget mailbox, PushSubscription? current, CancellationToken cancellationToken)
    {
        var box = Mailbox(mailbox);
        var settings = push.CurrentValue;
        var folder = await FolderAsync(box, mailbox.Folder, cancellationToken);
        if (!folder.Succeeded)
        {
            return folder.Error;
        }

        // Where notifications go and which folder: a subscription made for another (Credo:PublicUrl changed) is replaced.
        var target = $"{settings.NotificationUrl} {folder.Value}";
        if (current is not null && current.Target != target)
        {
            await graph.DeleteSubscriptionAsync(box, current.Id, cancellationToken);
            current = null;
        }

        var now = time.GetUtcNow();
        if (current is not null)
        {
            if (current.ReauthorizationRequired)
            {
                var reauthorized = await graph.ReauthorizeSubscriptionAsync(box, current.Id, cancellationToken);
                if (reauthorized.Succeeded)
                {
                    return Renewable(current with { ReauthorizationRequired = false });
                }

                if (reauthorized.Error.HttpStatus != 404)
                {
                    return Map(reauthorized.Error);
                }
            }
            else if (current.ExpiresAt - now > SubscriptionLife / 4)
            {
                return Renewable(current);
            }
            else
            {
                var renewed = await graph.RenewSubscriptionAsync(box, current.Id, now + SubscriptionLife, cancellationToken);
                if (renewed.Succeeded)
                {
                    return Renewable(current with { ExpiresAt = renewed.Value.ExpiresAt });
                }

                if (renewed.Error.HttpStatus != 404)
                {
                    return Map(renewed.Error);
                }
            }

            // Graph no longer knows it (it expired or was removed): a new one.
        }

        var clientState = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var created = await graph.SubscribeAsync(
            box, new GraphSubscriptionRequest(folder.Value, settings.NotificationUrl!, settings.LifecycleUrl!, clientState, now + SubscriptionLife), cancellationToken);
        return created.Succeeded ? Renewable(new PushSubscription(created.Value.Id, clientState, created.Value.ExpiresAt, target)) : Map(created.Error);
    }

    public async Task<Result<bool, MailError>> EndAsync(MailboxTarget mailbox, string subscriptionId, CancellationToken cancellationToken)
    {
        var deleted = await graph.DeleteSubscriptionAsync(Mailbox(mailbox), subscriptionId, cancellationToken);
        return deleted.Succeeded ? true : Map(deleted.Error);
    }

    // Renewed once a quarter of its life is left.
    private static PushSubscription Renewable(PushSubscription subscription) => subscription with { RenewAt = subscription.ExpiresAt - SubscriptionLife / 4 };

    private async Task<Result<string, MailError>> FolderAsync(GraphMailbox mailbox, string path, CancellationToken cancellationToken)
    {
        // Graph takes a well-known name where it takes a folder id: no lookup.
        if (GraphWellKnownFolders.TryWellKnown(path, out var wellKnown))
        {
            return wellKnown;
        }

        var key = $"{mailbox.GraphUrl}|{mailbox.User}|{path}";
        if (_folders.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var resolved = await graph.ResolveFolderAsync(mailbox, path, cancellationToken);
        if (!resolved.Succeeded)
        {
            return Map(resolved.Error);
        }

        _folders[key] = resolved.Value.Id;
        return resolved.Value.Id;
    }

    private static GraphMailbox Mailbox(MailboxTarget context) =>
        new(new Uri(context.Settings.Text("url")), context.Mailbox, context.Tokens);

    private static MailError Map(GraphError error) => new(
        error.Kind switch
        {
            // A 503 is throttling when it says how long to wait; without Retry-After it is a passing fault like a 500.
            GraphErrorKind.Throttled => MailErrorKind.Throttled,
            GraphErrorKind.ServiceUnavailable when error.RetryAfter is not null => MailErrorKind.Throttled,
            GraphErrorKind.InvalidSyncState => MailErrorKind.InvalidSyncState,
            _ when error.IsTransient => MailErrorKind.Transient,
            GraphErrorKind.InvalidResponse when error.HttpStatus is >= 500 => MailErrorKind.Transient,
            _ => MailErrorKind.Permanent,
        },
        error.ToString(),
        error.Hint,
        error.RetryAfter);
}
