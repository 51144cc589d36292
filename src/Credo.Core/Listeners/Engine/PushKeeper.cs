using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Keeps a listener's push subscription after each complete poll, on the node that holds the listener (so one node per
/// listener creates, renews and reauthorizes it): what changed is written to the listener's push columns, the client state
/// protected. A subscription that cannot be made is the listener's <see cref="EmailListener.PushError"/> (Degraded) while
/// it goes on polling; the next poll tries again. An idle listener whose subscription is in good standing costs nothing here.
/// </summary>
internal sealed class PushKeeper(CredoDbContext db, SecretProtector protector, ListenerMetrics metrics, ILogger<PushKeeper> logger)
{
    // How much of PushError is kept: the server's words are cut, not the column.
    private const int MaxErrorLength = 1000;

    public async Task KeepAsync(IMailSource source, MailboxTarget mailbox, EmailListener listener, CancellationToken cancellationToken)
    {
        if (source is not IPushSource push)
        {
            return;
        }

        if (!push.Pushes(mailbox))
        {
            // Push was switched off, or Credo lost its public address: the subscription goes.
            if (listener.PushSubscriptionId is { } stale)
            {
                await EndAsync(push, mailbox, stale, cancellationToken);
            }

            if (listener.PushSubscriptionId is not null || listener.PushError is not null)
            {
                await ClearAsync(listener.Id, listener.PushSubscriptionId, cancellationToken);
            }

            return;
        }

        var current = Current(listener);
        var kept = await push.KeepAsync(mailbox, current, cancellationToken);
        if (!kept.Succeeded)
        {
            var error = kept.Error.Hint is null ? kept.Error.Message : $"{kept.Error.Message} {kept.Error.Hint}";
            error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
            if (error != listener.PushError)
            {
                metrics.PushSubscriptionChanged("failed");
                Log.PushFailed(logger, listener.Name, error);
                await db.EmailListeners.Where(l => l.Id == listener.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.PushError, error), cancellationToken);
            }

            return;
        }

        var subscription = kept.Value;
        if (subscription == current && listener.PushError is null)
        {
            return;
        }

        var action = current is null || current.Id != subscription.Id ? "created"
            : current.ReauthorizationRequired ? "reauthorized"
            : current.ExpiresAt != subscription.ExpiresAt ? "renewed"
            : "kept";
        var protectedState = current?.ClientState == subscription.ClientState ? listener.ProtectedPushClientState : protector.ProtectPushClientState(subscription.ClientState);
        var reauthorized = current?.ReauthorizationRequired == true;
        await db.EmailListeners.Where(l => l.Id == listener.Id).ExecuteUpdateAsync(
            u =>
            {
                u.SetProperty(l => l.PushSubscriptionId, subscription.Id)
                    .SetProperty(l => l.ProtectedPushClientState, protectedState)
                    .SetProperty(l => l.PushExpiresAt, subscription.ExpiresAt)
                    .SetProperty(l => l.PushError, (string?)null);
                if (reauthorized)
                {
                    u.SetProperty(l => l.PushReauthorize, false);
                }
            },
            cancellationToken);
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

    private PushSubscription? Current(EmailListener listener) =>
        listener is { PushSubscriptionId: { } id, ProtectedPushClientState: { } stored, PushExpiresAt: { } expires }
            && protector.TryUnprotectPushClientState(stored) is { } clientState
            ? new PushSubscription(id, clientState, expires, listener.PushReauthorize)
            : null;

    private Task<int> ClearAsync(Guid listenerId, string? subscriptionId, CancellationToken cancellationToken) =>
        db.EmailListeners.Where(l => l.Id == listenerId && l.PushSubscriptionId == subscriptionId).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.PushSubscriptionId, (string?)null)
            .SetProperty(l => l.ProtectedPushClientState, (string?)null)
            .SetProperty(l => l.PushExpiresAt, (DateTimeOffset?)null)
            .SetProperty(l => l.PushReauthorize, false)
            .SetProperty(l => l.PushError, (string?)null), cancellationToken);
}
