using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Persistence;

/// <summary>Brings the database schema up to date; every command that opens the database calls it first.</summary>
public sealed partial class CredoDatabase(CredoDbContext db, ILogger<CredoDatabase> logger)
{
    /// <summary>Applies pending migrations and returns their names.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
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

    /// <summary>Whether the database answers, for <c>/readyz</c>.</summary>
    public Task<bool> CanConnectAsync(CancellationToken cancellationToken) => db.Database.CanConnectAsync(cancellationToken);

    [LoggerMessage(200, LogLevel.Information, "Applying {Count} database migration(s): {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, string migrations);
}
