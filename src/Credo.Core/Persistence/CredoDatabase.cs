using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Persistence;

/// <summary>Brings the database schema up to date; every command that opens the database calls it first.</summary>
public sealed partial class CredoDatabase(CredoDbContext db, TimeProvider time, ILogger<CredoDatabase> logger)
{
    /// <summary>
    /// Applies pending migrations and returns their names. On SQLite it first turns incremental auto-vacuum on, so that
    /// retention can give freed space back: free on a new database, one <c>VACUUM</c> (a rewrite of the whole file) on an
    /// existing one, once.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            await EnableIncrementalVacuumAsync(cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (db.Database.IsSqlite())
        {
            // Write-ahead logging: one fsync a commit instead of several, and readers never block the engine's writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return pending;
    }

    // auto_vacuum is kept in the file's header: 2 is INCREMENTAL. A database without tables takes the setting as is; one
    // with tables only through VACUUM, which rewrites the file (it needs up to twice the file size in free disk, and holds the write lock
    // for its duration), so it runs here, before the engine starts, and never again.
    private async Task EnableIncrementalVacuumAsync(CancellationToken cancellationToken)
    {
        const long Incremental = 2;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await ScalarAsync("PRAGMA auto_vacuum;", cancellationToken) == Incremental)
            {
                return;
            }

            var hasTables = await ScalarAsync("SELECT count(*) FROM sqlite_master WHERE type = 'table';", cancellationToken) > 0;
            await ExecuteAsync("PRAGMA auto_vacuum = INCREMENTAL;", cancellationToken);
            if (hasTables)
            {
                var bytes = await ScalarAsync("SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size());", cancellationToken);
                LogVacuuming(logger, bytes / (1024 * 1024));
                var started = time.GetTimestamp();
                await ExecuteAsync("VACUUM;", cancellationToken);

                // In WAL mode the rewrite went through the log, as large as the database: give that space back too.
                await ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
                LogVacuumed(logger, time.GetElapsedTime(started).TotalSeconds);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;

        // VACUUM of a large file takes longer than the default 30 s command timeout.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether the database answers, for <c>/readyz</c>.</summary>
    public Task<bool> CanConnectAsync(CancellationToken cancellationToken) => db.Database.CanConnectAsync(cancellationToken);

    [LoggerMessage(2200, LogLevel.Information, "Applying {Count} database migration(s): {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, string migrations);

    [LoggerMessage(2201, LogLevel.Warning, "Turning on incremental auto-vacuum so that retention gives space back: rewriting the {Megabytes} MB database once (VACUUM); this needs up to twice its size in free disk space (a temporary copy and a write-ahead log of its size)")]
    private static partial void LogVacuuming(ILogger logger, long megabytes);

    [LoggerMessage(2202, LogLevel.Information, "Incremental auto-vacuum is on; the one-time VACUUM took {Seconds:0.0} s")]
    private static partial void LogVacuumed(ILogger logger, double seconds);
}
