using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;

namespace Credo.Core.Tests.Retention;

/// <summary>The purge on a real PostgreSQL database (several nodes: one purges at a time).</summary>
public sealed class PostgreSqlRetentionPurgeTests : RetentionPurgeTests
{
    private PostgreSqlServer.TemporaryDatabase? _database;

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        return new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = _database.ConnectionString };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
