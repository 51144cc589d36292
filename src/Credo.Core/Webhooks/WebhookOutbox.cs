using Credo.Core.Listeners;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Webhooks;

/// <summary>
/// The webhook outbox in the database, a batch at a time: one statement claims the due deliveries a node is about to send,
/// and one transaction records the outcomes of many attempts (each delivery's status, each attempt, the listeners' runs of
/// failures). A claim lasts until the outcome is recorded or it expires, so two nodes never send a delivery at once and a
/// delivery's next attempt never overlaps the one before.
/// </summary>
internal sealed class WebhookOutbox(CredoDbContext db)
{
    private static readonly string Pending = nameof(DeliveryStatus.Pending);

    /// <summary>Whether a delivery is due that nobody holds: a read, which on SQLite never waits for the writer.</summary>
    public Task<bool> AnyDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WebhookDeliveries.AnyAsync(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now), cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries that nobody holds, those due longest first, until
    /// <paramref name="until"/>, in one statement; returns their ids. On PostgreSQL the candidates are locked with
    /// <c>FOR UPDATE SKIP LOCKED</c> in a materialized CTE (chosen once), so a row another node is claiming at the same
    /// moment is skipped and one it has just claimed is checked again under its lock: two nodes never claim the same
    /// delivery. SQLite runs one writer at a time, so there the statement is atomic as it stands.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ClaimAsync(int max, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        long nowTicks = now.UtcTicks, untilTicks = until.UtcTicks;
        return db.Database.IsNpgsql()
            ? await db.Database.SqlQuery<Guid>($"""
                WITH due AS MATERIALIZED (
                    SELECT "Id" FROM webhook_deliveries
                    WHERE "Status" = {Pending} AND "NextAttemptAt" <= {nowTicks} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" < {nowTicks})
                    ORDER BY "NextAttemptAt"
                    LIMIT {max}
                    FOR UPDATE SKIP LOCKED)
                UPDATE webhook_deliveries SET "ClaimedUntil" = {untilTicks}
                FROM due WHERE webhook_deliveries."Id" = due."Id"
                RETURNING webhook_deliveries."Id" AS "Value"
                """).ToListAsync(cancellationToken)
            : await db.Database.SqlQuery<Guid>($"""
                UPDATE webhook_deliveries SET "ClaimedUntil" = {untilTicks}
                WHERE "Id" IN (
                    SELECT "Id" FROM webhook_deliveries
                    WHERE "Status" = {Pending} AND "NextAttemptAt" <= {nowTicks} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" < {nowTicks})
                    ORDER BY "NextAttemptAt"
                    LIMIT {max})
                RETURNING "Id" AS "Value"
                """).ToListAsync(cancellationToken);
    }

    /// <summary>The deliveries <paramref name="ids"/>, those due longest first, with their listeners (none for one deleted meanwhile).</summary>
    public async Task<(IReadOnlyList<WebhookDelivery> Deliveries, IReadOnlyDictionary<Guid, EmailListener> Listeners)> LoadAsync(
        IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id))
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.CreatedAt).ToListAsync(cancellationToken);
        var listenerIds = deliveries.Select(d => d.ListenerId).Distinct().ToList();
        var listeners = await db.EmailListeners.AsNoTracking().Where(l => listenerIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        return (deliveries, listeners);
    }

    /// <summary>
    /// Records <paramref name="outcomes"/> (in the order they came) at <paramref name="now"/> in one transaction: each
    /// delivery's status and last attempt, its claim ended, an attempt record for each delivery that still exists (one
    /// deleted meanwhile, with its listener or by retention, gets none), and each listener's run of failed attempts.
    /// Outcomes that set the same values are written by one statement. Joins the caller's transaction, if any.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        // A finished delivery's NextAttemptAt is its last attempt (retention reads it as a lower bound of its age).
        foreach (var same in outcomes.GroupBy(o => (o.Status, o.StatusCode, o.Error, o.Answer, Next: o.Status == DeliveryStatus.Pending ? o.NextAttemptAt : now)))
        {
            var (status, code, error, answer, next) = same.Key;
            var ids = same.Select(o => o.DeliveryId).ToList();
            DateTimeOffset? deliveredAt = status == DeliveryStatus.Delivered ? now : null;
            await db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, status)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.LastStatusCode, code)
                .SetProperty(d => d.LastError, error)
                .SetProperty(d => d.LastAnswer, answer)
                .SetProperty(d => d.LastAttemptAt, now)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.DeliveredAt, deliveredAt)
                .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);
        }

        // Read after the updates: on PostgreSQL their row locks keep a delivery that was updated from being deleted before
        // its attempt is inserted.
        var all = outcomes.Select(o => o.DeliveryId).ToList();
        var existing = (await db.WebhookDeliveries.Where(d => all.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken)).ToHashSet();
        db.DeliveryAttempts.AddRange(outcomes.Where(o => existing.Contains(o.DeliveryId)).Select(o => new DeliveryAttempt
        {
            DeliveryId = o.DeliveryId, At = o.SentAt, StatusCode = o.StatusCode, Error = o.Error, Answer = o.Answer, DurationMs = o.DurationMs,
        }));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        foreach (var listener in outcomes.GroupBy(o => o.ListenerId))
        {
            await RecordListenerHealthAsync(listener.Key, [.. listener.Select(o => o.Status == DeliveryStatus.Delivered)], now, cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Ends the claims of <paramref name="ids"/> without an outcome (their attempts were cut short by a stop), so that they are sent again at once.</summary>
    public Task<int> ReleaseAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);

    // A run of failed attempts over all of the listener's deliveries, so that a receiver that is down shows on the listener:
    // a delivered attempt ends the run, and the failed ones after the last delivered start a new one.
    private Task<int> RecordListenerHealthAsync(Guid listenerId, IReadOnlyList<bool> delivered, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = delivered.Count - 1;
        while (last >= 0 && !delivered[last])
        {
            last--;
        }

        var failuresAfter = delivered.Count - 1 - last;
        if (last < 0)
        {
            return db.EmailListeners.Where(l => l.Id == listenerId).ExecuteUpdateAsync(u => u
                .SetProperty(l => l.DeliveryFailures, l => l.DeliveryFailures + failuresAfter)
                .SetProperty(l => l.DeliveryFailingSince, l => l.DeliveryFailingSince ?? now), cancellationToken);
        }

        DateTimeOffset? since = failuresAfter > 0 ? now : null;
        return db.EmailListeners.Where(l => l.Id == listenerId && (l.DeliveryFailures != failuresAfter || l.DeliveryFailingSince != since)).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.DeliveryFailures, failuresAfter)
            .SetProperty(l => l.DeliveryFailingSince, since), cancellationToken);
    }
}
