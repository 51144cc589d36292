using Credo.Core.Audit;
using Credo.Core.Listeners;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Webhooks;

/// <summary>Reads listeners' webhook deliveries and their attempts, and sends one, or all failed of a listener, again (audited).</summary>
public sealed class DeliveryService(CredoDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>The newest webhook deliveries of a listener (without payloads), of one <paramref name="status"/> or all.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(Guid listenerId, DeliveryStatus? status, int take, CancellationToken cancellationToken) =>
        await db.WebhookDeliveries.AsNoTracking().Where(d => d.ListenerId == listenerId && (status == null || d.Status == status))
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(take)
            .Select(d => new WebhookDelivery
            {
                Id = d.Id, MessageId = d.MessageId, ListenerId = d.ListenerId, Status = d.Status, Attempts = d.Attempts, NextAttemptAt = d.NextAttemptAt,
                LastStatusCode = d.LastStatusCode, LastError = d.LastError, CreatedAt = d.CreatedAt, DeliveredAt = d.DeliveredAt,
                LastAnswer = d.LastAnswer, LastAttemptAt = d.LastAttemptAt, ResentAt = d.ResentAt,
            })
            .ToListAsync(cancellationToken);

    /// <summary>The newest webhook deliveries of a listener (without payloads).</summary>
    public Task<IReadOnlyList<WebhookDelivery>> ListAsync(Guid listenerId, int take, CancellationToken cancellationToken) =>
        ListAsync(listenerId, status: null, take, cancellationToken);

    /// <summary>One delivery with its payload, or null.</summary>
    public async Task<WebhookDelivery?> FindAsync(Guid deliveryId, CancellationToken cancellationToken) =>
        await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);

    /// <summary>The attempts of a delivery, oldest first.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(Guid deliveryId, CancellationToken cancellationToken) =>
        (await AttemptsAsync([deliveryId], cancellationToken))[deliveryId].ToList();

    /// <summary>The attempts of each of <paramref name="deliveryIds"/>, oldest first, in one query.</summary>
    public async Task<ILookup<Guid, DeliveryAttempt>> AttemptsAsync(IReadOnlyCollection<Guid> deliveryIds, CancellationToken cancellationToken) =>
        (await db.DeliveryAttempts.AsNoTracking().Where(a => deliveryIds.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);

    /// <summary>The webhook deliveries of <paramref name="listenerIds"/> (of every listener when null) by state.</summary>
    public async Task<IReadOnlyDictionary<Guid, DeliveryCounts>> CountsAsync(IReadOnlyCollection<Guid>? listenerIds, CancellationToken cancellationToken)
    {
        var deliveries = db.WebhookDeliveries.AsNoTracking();
        if (listenerIds is not null)
        {
            deliveries = deliveries.Where(d => listenerIds.Contains(d.ListenerId));
        }

        var groups = await deliveries
            .GroupBy(d => new { d.ListenerId, d.Status, Attempted = d.Attempts > 0 })
            .Select(g => new { g.Key.ListenerId, g.Key.Status, g.Key.Attempted, Count = g.Count(), Next = g.Min(d => d.NextAttemptAt) })
            .ToListAsync(cancellationToken);
        return groups.GroupBy(g => g.ListenerId).ToDictionary(l => l.Key, l =>
        {
            var retrying = l.Where(g => g.Status == DeliveryStatus.Pending && g.Attempted).ToList();
            int Count(DeliveryStatus status) => l.Where(g => g.Status == status).Sum(g => g.Count);
            return new DeliveryCounts(
                l.Where(g => g.Status == DeliveryStatus.Pending && !g.Attempted).Sum(g => g.Count),
                retrying.Sum(g => g.Count),
                Count(DeliveryStatus.Delivered),
                Count(DeliveryStatus.Stopped),
                Count(DeliveryStatus.Failed),
                retrying.Count == 0 ? null : retrying.Min(g => g.Next));
        });
    }

    /// <summary>
    /// Sends every Failed delivery of a listener again (the receiver dedupes by webhook-id); audited once, with the count.
    /// Returns how many were queued.
    /// </summary>
    public async Task<int> ResendFailedAsync(Guid listenerId, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.WebhookDeliveries.Where(d => d.ListenerId == listenerId && d.Status == DeliveryStatus.Failed).ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, DeliveryStatus.Pending)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.ResentAt, now)
            .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);
        if (updated > 0)
        {
            audit.Record(actor, "resend-failed", "listener", listenerId.ToString(),
                await db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.Name).SingleOrDefaultAsync(cancellationToken) ?? listenerId.ToString(),
                $"{updated} failed deliveries queued again");
            await db.SaveChangesAsync(cancellationToken);
        }

        return updated;
    }

    /// <summary>Sends a delivery again, whatever its status (the receiver dedupes by webhook-id).</summary>
    public async Task<bool> ResendAsync(Guid deliveryId, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.WebhookDeliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, DeliveryStatus.Pending)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.ResentAt, now)
            .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);
        if (updated > 0)
        {
            audit.Record(actor, "resend", "delivery", deliveryId.ToString(), deliveryId.ToString());
            await db.SaveChangesAsync(cancellationToken);
        }

        return updated > 0;
    }
}
