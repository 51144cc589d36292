using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Retention.Internal;

/// <summary>
/// One pass of the retention policy: finished webhook history past its age, then records past theirs (never one whose
/// delivery is pending), then the MIME of mail past its listener's age. Each batch is one statement in its own short
/// transaction, followed by a pause as long as the batch took, so the engine's writes go between batches. On SQLite the
/// freed pages are then given back to the file system step by step; PostgreSQL's autovacuum makes freed space reusable.
/// </summary>
internal sealed class RetentionPurger(
    CredoDbContext db,
    IOptionsMonitor<RetentionOptions> options,
    RetentionMetrics metrics,
    TimeProvider time,
    ILogger<RetentionPurger> logger)
{
    // pg_try_advisory_xact_lock key: one node purges at a time, the others stand back until their next pass.
    private const long PurgeLockKey = 0x4372_6564_6F52_6574; // "CredoRet"

    private bool _otherNodePurging;

    public async Task<RetentionPass> PurgeAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        _otherNodePurging = false;

        var deliveries = settings.DeliveredWebhookDays == 0 ? 0
            : await RepeatAsync("delivery", settings.BatchSize, ct => DeleteDeliveriesAsync(now - TimeSpan.FromDays(settings.DeliveredWebhookDays), settings.BatchSize, ct), cancellationToken);

        var listeners = await db.EmailListeners.AsNoTracking().OrderBy(l => l.Id).Select(l => new { l.Id, l.KeepContentDays }).ToListAsync(cancellationToken);
        var records = 0;
        if (settings.RecordDays != 0)
        {
            var cutoff = now - TimeSpan.FromDays(settings.RecordDays);
            foreach (var listener in listeners)
            {
                records += await RepeatAsync("record", settings.BatchSize, ct => DeleteRecordsAsync(listener.Id, cutoff, settings.BatchSize, ct), cancellationToken);
            }
        }

        var mime = 0;
        foreach (var listener in listeners)
        {
            var days = listener.KeepContentDays ?? settings.MimeDays;
            if (days != 0)
            {
                var cutoff = now - TimeSpan.FromDays(days);
                mime += await RepeatAsync("mime", settings.BatchSize, ct => DropMimeAsync(listener.Id, cutoff, now, settings.BatchSize, ct), cancellationToken);
            }
        }

        var pagesFreed = deliveries + records + mime > 0 && db.Database.IsSqlite()
            ? await GiveSpaceBackAsync(settings.VacuumPagesPerStep, cancellationToken)
            : 0;
        var pass = new RetentionPass(mime, records, deliveries, pagesFreed, _otherNodePurging);
        if (pass.Total > 0 || pass.PagesFreed > 0)
        {
            Log.Purged(logger, mime, records, deliveries, pagesFreed);
        }
        else if (_otherNodePurging)
        {
            Log.OtherNodePurging(logger);
        }

        return pass;
    }

    // A finished delivery's NextAttemptAt is never earlier than its last attempt, so it bounds the age from below and its
    // index (Status, NextAttemptAt) finds the old ones without reading the rest.
    private Task<int> DeleteDeliveriesAsync(DateTimeOffset cutoff, int batch, CancellationToken cancellationToken) =>
        db.WebhookDeliveries
            .Where(d => (d.Status == DeliveryStatus.Delivered || d.Status == DeliveryStatus.Stopped || d.Status == DeliveryStatus.Failed)
                        && d.NextAttemptAt < cutoff && d.CreatedAt < cutoff && (d.DeliveredAt == null || d.DeliveredAt < cutoff))
            .OrderBy(d => d.NextAttemptAt)
            .Take(batch)
            .ExecuteDeleteAsync(cancellationToken);

    // The pending check is part of the statement itself, so a delivery resent while the batch was chosen keeps its record.
    // The record's finished delivery goes with it (ON DELETE CASCADE).
    private Task<int> DeleteRecordsAsync(Guid listenerId, DateTimeOffset cutoff, int batch, CancellationToken cancellationToken) =>
        db.ReceivedMessages
            .Where(m => m.ListenerId == listenerId && m.RecordedAt < cutoff
                        && !db.WebhookDeliveries.Any(d => d.MessageId == m.Id && d.Status == DeliveryStatus.Pending))
            .OrderBy(m => m.RecordedAt)
            .Take(batch)
            .ExecuteDeleteAsync(cancellationToken);

    private Task<int> DropMimeAsync(Guid listenerId, DateTimeOffset cutoff, DateTimeOffset now, int batch, CancellationToken cancellationToken) =>
        db.ReceivedMessages
            .Where(m => m.ListenerId == listenerId && m.ContentExpiredAt == null && m.RecordedAt < cutoff)
            .OrderBy(m => m.RecordedAt)
            .Take(batch)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Mime, Array.Empty<byte>()).SetProperty(m => m.ContentExpiredAt, now), cancellationToken);

    private async Task<int> RepeatAsync(string kind, int batchSize, Func<CancellationToken, Task<int>> batch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (!_otherNodePurging)
        {
            var started = time.GetTimestamp();
            if (await OneBatchAsync(batch, cancellationToken) is not { } removed)
            {
                _otherNodePurging = true;
                break;
            }

            total += removed;
            metrics.Removed(kind, removed);
            if (removed < batchSize)
            {
                break;
            }

            await PauseAsync(started, cancellationToken);
        }

        return total;
    }

    // As long again as the step since started took: a writer waiting for the lock (a poll recording mail) gets its turn.
    private async Task PauseAsync(long started, CancellationToken cancellationToken)
    {
        var took = time.GetElapsedTime(started);
        if (took > TimeSpan.Zero)
        {
            await Task.Delay(took, time, cancellationToken);
        }
        else
        {
            await Task.Yield();
        }
    }

    // Null when another node holds the purge lock (PostgreSQL); SQLite has one node, and its writers queue anyway.
    private async Task<int?> OneBatchAsync(Func<CancellationToken, Task<int>> batch, CancellationToken cancellationToken)
    {
        if (db is not PostgreSqlCredoDbContext)
        {
            return await batch(cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({PurgeLockKey}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!locked)
        {
            return null;
        }

        var removed = await batch(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    // Moves pages from the end of the file into free ones and truncates, a few MiB a step; then the write-ahead log, which
    // held the moved pages, is truncated too. Only effective once auto_vacuum is INCREMENTAL (CredoDatabase sees to it).
    private async Task<long> GiveSpaceBackAsync(int pagesPerStep, CancellationToken cancellationToken)
    {
        long freed = 0;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            while (true)
            {
                var free = await PragmaAsync("freelist_count", cancellationToken);
                if (free == 0)
                {
                    break;
                }

                var started = time.GetTimestamp();
                await RunPragmaAsync($"incremental_vacuum({Math.Min(free, pagesPerStep)})", cancellationToken);
                var after = await PragmaAsync("freelist_count", cancellationToken);
                if (after >= free)
                {
                    break; // auto_vacuum is not INCREMENTAL: nothing can be given back.
                }

                freed += free - after;
                await PauseAsync(started, cancellationToken);
            }

            if (freed > 0)
            {
                await RunPragmaAsync("wal_checkpoint(TRUNCATE)", cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return freed;
    }

    private async Task<long> PragmaAsync(string pragma, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    // Stepped to the end: incremental_vacuum frees its pages as it is stepped.
    private async Task RunPragmaAsync(string pragma, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
