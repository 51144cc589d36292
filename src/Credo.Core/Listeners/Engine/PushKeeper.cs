using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Keeps a listener's push subscription after each complete poll, on the node that holds the listener (so one node per
/// listener creates, renews and reauthorizes it). What changed is written to the listener's push columns (the client state
/// protected) only while the listener is still as the poll read it: the same version, enabled, held by this node, with the
/// same subscription; otherwise a subscription made meanwhile is ended again rather than left behind. A subscription that
/// cannot be made is the listener's <see cref="EmailListener.PushError"/> (Degraded) while it goes on polling; the next poll
/// tries again. The listener is due again by the time its subscription is to be renewed, whatever its interval. An idle
/// listener whose subscription is in good standing costs nothing here.
/// </summary>
internal sealed class PushKeeper(
    CredoDbContext db, SecretProtector protector, ListenerMetrics metrics, IOptionsMonitor<ListenerOptions> options, TimeProvider time, ILogger<PushKeeper> logger)
{
    // How much of PushError is kept: the server's words are cut, not the column.
    private const int MaxErrorLength = 1000;

    // A subscription call goes on this long even when the poll is stopped meanwhile, so that one Graph has made is
    // recorded or ended, never left unknown (Graph validates the notification URL within 10 s).
    private static readonly TimeSpan KeepTime = TimeSpan.FromSeconds(20);

    /// <summary>Keeps the subscription of <paramref name="listener"/>, whose poll began at <paramref name="pollStarted"/> and has just completed.</summary>
    public async Task KeepAsync(IMailSource source, MailboxTarget mailbox, EmailListener listener, DateTimeOffset pollStarted, CancellationToken cancellationToken)
    {
        if (source is not IPushSource push)
        {
            return;
        }

        using var bounded = new CancellationTokenSource(KeepTime, time);
        if (!push.Pushes(mailbox))
        {
            // Push was switched off, or Credo lost its public address: the subscription goes.
            if (listener.PushSubscriptionId is { } stale)
            {
                await EndAsync(push, mailbox, stale, bounded.Token);
            }

            if (listener.PushSubscriptionId is not null || listener.PushError is not null)
            {
                await Mine(listener).ExecuteUpdateAsync(
                    u => u
                        .SetProperty(l => l.PushSubscriptionId, (string?)null)
                        .SetProperty(l => l.ProtectedPushClientState, (string?)null)
                        .SetProperty(l => l.PushTarget, (string?)null)
                        .SetProperty(l => l.PushExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(l => l.PushReauthorize, false)
                        .SetProperty(l => l.PushError, (string?)null),
                    cancellationToken);
            }

            return;
        }

        var current = Current(listener);
        if (current is null && listener.PushSubscriptionId is { } unreadable)
        {
            // Its client state cannot be read (the key ring lost its key): it is replaced, not left behind.
            await EndAsync(push, mailbox, unreadable, bounded.Token);
        }

        var kept = await push.KeepAsync(mailbox, current, bounded.Token);
        if (!kept.Succeeded)
        {
            var error = kept.Error.Hint is null ? kept.Error.Message : $"{kept.Error.Message} {kept.Error.Hint}";
            error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
            if (error != listener.PushError)
            {
                metrics.PushSubscriptionChanged("failed");
                Log.PushFailed(logger, listener.Name, error);
                await Mine(listener).ExecuteUpdateAsync(u => u.SetProperty(l => l.PushError, error), cancellationToken);
            }

            return;
        }

        var subscription = kept.Value;
        var now = time.GetUtcNow();
        var renewBy = subscription.RenewAt is { } renewAt && renewAt < now.AddSeconds(listener.PollIntervalSeconds) ? renewAt : (DateTimeOffset?)null;
        if (subscription with { RenewAt = null } == current && listener.PushError is null && renewBy is null)
        {
            return;
        }

        var created = current is null || current.Id != subscription.Id;
        var action = created ? "created"
            : current!.ReauthorizationRequired ? "reauthorized"
            : current.ExpiresAt != subscription.ExpiresAt ? "renewed"
            : "kept";
        var protectedState = current?.ClientState == subscription.ClientState ? listener.ProtectedPushClientState : protector.ProtectPushClientState(subscription.ClientState);
        var reauthorized = current?.ReauthorizationRequired == true;
        var written = await Mine(listener).ExecuteUpdateAsync(
            u =>
            {
                u.SetProperty(l => l.PushSubscriptionId, subscription.Id)
                    .SetProperty(l => l.ProtectedPushClientState, protectedState)
                    .SetProperty(l => l.PushTarget, subscription.Target)
                    .SetProperty(l => l.PushExpiresAt, subscription.ExpiresAt)
                    .SetProperty(l => l.PushError, (string?)null);
                if (reauthorized)
                {
                    u.SetProperty(l => l.PushReauthorize, false);
                }

                if (renewBy is { } due)
                {
                    // Due again in time to renew, however long its interval, unless woken sooner during the poll; the end of
                    // the poll keeps it, since it is after the poll's start.
                    u.SetProperty(l => l.NextPollAt, l => l.NextPollAt > pollStarted && l.NextPollAt < due ? l.NextPollAt : due);
                }
            },
            CancellationToken.None);
        if (written == 0)
        {
            // The listener changed, was switched off or deleted, or another node took it over while this one subscribed.
            if (created)
            {
                await EndAsync(push, mailbox, subscription.Id, bounded.Token);
            }

            return;
        }

        if (action != "kept")
        {
            metrics.PushSubscriptionChanged(action);
            Log.PushKept(logger, listener.Name, subscription.Id, action, subscription.ExpiresAt);
        }
    }

    /// <summary>Ends <paramref name="subscriptionId"/> at the server; a failure is logged (the server ends it at its expiry).</summary>
    public async Task EndAsync(IPushSource push, MailboxTarget mailbox, string subscriptionId, CancellationToken cancellationToken)
    {
        var ended = await push.EndAsync(mailbox, subscriptionId, cancellationToken);
        if (ended.Succeeded)
        {
            metrics.PushSubscriptionChanged("ended");
            Log.PushEnded(logger, mailbox.Name, subscriptionId);
        }
        else
        {
            Log.PushEndFailed(logger, mailbox.Name, subscriptionId, ended.Error.Message);
        }
    }

    // The listener's row while it is as the poll read it: same version, enabled, held by this node, same subscription.
    private IQueryable<EmailListener> Mine(EmailListener listener)
    {
        var node = options.CurrentValue.NodeName;
        return db.EmailListeners.Where(l => l.Id == listener.Id && l.Version == listener.Version && l.Enabled && l.LeaseOwner == node
            && l.PushSubscriptionId == listener.PushSubscriptionId);
    }

    private PushSubscription? Current(EmailListener listener) =>
        listener is { PushSubscriptionId: { } id, ProtectedPushClientState: { } stored, PushExpiresAt: { } expires }
            && protector.TryUnprotectPushClientState(stored) is { } clientState
            ? new PushSubscription(id, clientState, expires, listener.PushTarget, listener.PushReauthorize)
            : null;
}
