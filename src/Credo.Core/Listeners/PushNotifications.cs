using System.Security.Cryptography;
using System.Text;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Listeners;

/// <summary>
/// Acts on push notifications, whichever node receives them: one that names a listener's subscription with its client state
/// (compared in constant time) makes that listener due now in the database and wakes the node holding it (in-process, or
/// through PostgreSQL's <c>NOTIFY</c>), which polls it at once. Nothing else: the poll, on the holder, reads what is new and
/// keeps the subscription.
/// </summary>
public sealed class PushNotifications
{
    private readonly CredoDbContext _db;
    private readonly SecretProtector _protector;
    private readonly ListenerMetrics _metrics;
    private readonly ListenerWakes _wakes;
    private readonly TimeProvider _time;
    private readonly ILogger<PushNotifications> _logger;

    internal PushNotifications(CredoDbContext db, SecretProtector protector, ListenerMetrics metrics, ListenerWakes wakes, TimeProvider time, ILogger<PushNotifications> logger) =>
        (_db, _protector, _metrics, _wakes, _time, _logger) = (db, protector, metrics, wakes, time, logger);

    /// <summary>
    /// Acts on one notification of <paramref name="subscriptionId"/> carrying <paramref name="clientState"/>; false (and
    /// nothing done) when no listener has that subscription or the client state is not its own.
    /// </summary>
    public async Task<bool> ReceiveAsync(string subscriptionId, string? clientState, PushEvent kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var listener = await _db.EmailListeners.AsNoTracking().Where(l => l.PushSubscriptionId == subscriptionId)
            .Select(l => new { l.Id, l.ProtectedPushClientState, l.LeaseOwner }).FirstOrDefaultAsync(cancellationToken);
        var reason = listener?.ProtectedPushClientState is not { } stored ? "no listener has this subscription"
            : clientState is null || _protector.TryUnprotectPushClientState(stored) is not { } expected
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(clientState))
                ? "its client state is not the subscription's"
                : null;
        if (reason is not null)
        {
            _metrics.PushNotification("rejected");
            Log.PushRejected(_logger, subscriptionId.Length > 100 ? subscriptionId[..100] : subscriptionId, reason);
            return false;
        }

        _metrics.PushNotification(kind switch
        {
            PushEvent.Created => "created",
            PushEvent.Missed => "missed",
            PushEvent.ReauthorizationRequired => "reauthorizationRequired",
            _ => "subscriptionRemoved",
        });
        var now = _time.GetUtcNow();
        var mine = _db.EmailListeners.Where(l => l.Id == listener!.Id && l.PushSubscriptionId == subscriptionId && l.Enabled);
        var madeDue = await (kind switch
        {
            PushEvent.ReauthorizationRequired => mine.ExecuteUpdateAsync(u => u.SetProperty(l => l.PushReauthorize, true).SetProperty(l => l.NextPollAt, now), cancellationToken),
            PushEvent.SubscriptionRemoved => mine.ExecuteUpdateAsync(
                u => u
                    .SetProperty(l => l.PushSubscriptionId, (string?)null)
                    .SetProperty(l => l.ProtectedPushClientState, (string?)null)
                    .SetProperty(l => l.PushExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(l => l.PushReauthorize, false)
                    .SetProperty(l => l.NextPollAt, now),
                cancellationToken),

            // Due now, also while a poll runs: the poll sees a wake after its start and polls again at once.
            _ => mine.ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, now), cancellationToken),
        });
        if (madeDue == 1)
        {
            await _wakes.MadeDueAsync(_db, listener!.Id, listener.LeaseOwner, kind == PushEvent.Created, cancellationToken);
        }

        return true;
    }
}
