using Credo.Core.Persistence;
using Microsoft.Data.Sqlite;

namespace Credo.Core.Tests.Infrastructure;

/// <summary>
/// An empty database of one provider for a test class, removed when disposed: a SQLite file in a temporary folder, or a
/// temporary database on the PostgreSQL server <c>CREDO_TEST_POSTGRES</c> names. Provider test classes take one of the
/// factories (<see cref="SqliteAsync"/>, <see cref="PostgreSqlAsync"/>) instead of repeating their set-up.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _drop;

    private TestDatabase(DatabaseOptions options, Func<ValueTask> drop) => (Options, _drop) = (options, drop);

    /// <summary>How Credo connects to it.</summary>
    public DatabaseOptions Options { get; }

    public static Task<TestDatabase> SqliteAsync()
    {
        var folder = Directory.CreateTempSubdirectory("credo-db-").FullName;
        return Task.FromResult(new TestDatabase(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "credo.db")}" },
            () =>
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
                return ValueTask.CompletedTask;
            }));
    }

    public static async Task<TestDatabase> PostgreSqlAsync()
    {
        var database = await PostgreSqlServer.CreateDatabaseAsync();
        return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = database.ConnectionString }, database.DisposeAsync);
    }

    public ValueTask DisposeAsync() => _drop();
}
