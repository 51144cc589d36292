using Credo.Core.Persistence;
using Credo.Core.Webhooks;
using Microsoft.Data.Sqlite;

namespace Credo.Core.Tests.Retention;

/// <summary>The purge on a SQLite file, and the space it gives back.</summary>
public sealed class SqliteRetentionPurgeTests : RetentionPurgeTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-retention-").FullName;

    private string DatabaseFile => Path.Combine(_folder, "credo.db");

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={DatabaseFile}" });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Database_file_shrinks_after_a_large_purge()
    {
        var listener = await ListenerAsync();
        for (var i = 0; i < 2000; i++)
        {
            await RecordAsync(listener, delivery: i % 10 == 0 ? DeliveryStatus.Delivered : null, mimeBytes: 50 * 1024);
        }

        var before = await FileBytesAsync();
        Time.Advance(TimeSpan.FromDays(31));

        var pass = await PurgeAsync();

        var after = await FileBytesAsync();
        Assert.Equal(2000, pass.Mime);
        Assert.True(pass.PagesFreed > 20_000, $"{pass.PagesFreed} pages given back");
        Assert.True(before > 100_000_000, $"{before} bytes before");
        Assert.True(after < before / 10, $"{before} bytes before the purge, {after} after");
    }

    [Fact]
    public async Task Existing_database_is_switched_to_incremental_auto_vacuum_once()
    {
        // A database as an earlier version left it: tables, rows, and auto_vacuum off.
        var file = Path.Combine(_folder, "earlier.db");
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync(Ct);
            await ExecuteAsync(connection, "PRAGMA auto_vacuum = NONE; CREATE TABLE kept (id INTEGER PRIMARY KEY, value TEXT); INSERT INTO kept (value) VALUES ('still here');");
            Assert.Equal(0L, await ScalarAsync(connection, "PRAGMA auto_vacuum;"));
        }

        SqliteConnection.ClearAllPools();
        await using (var core = await Infrastructure.CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" }, Path.Combine(_folder, "keys2")))
        {
        }

        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync(Ct);
            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA auto_vacuum;"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM kept WHERE value = 'still here';"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'received_messages';"));
        }

        // The new database of every other test got it without a rewrite.
        await using var fresh = new SqliteConnection($"Data Source={DatabaseFile}");
        await fresh.OpenAsync(Ct);
        Assert.Equal(2L, await ScalarAsync(fresh, "PRAGMA auto_vacuum;"));
    }

    // The database file and its write-ahead log: what the data folder holds.
    private async Task<long> FileBytesAsync()
    {
        await Task.Yield();
        return new[] { DatabaseFile, DatabaseFile + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
