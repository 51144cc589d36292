using Npgsql;

namespace Credo.Tests;

/// <summary>
/// The real PostgreSQL server that <c>.ci/run</c> starts, named by <c>CREDO_TEST_POSTGRES</c> (an administrator's
/// connection string). Each test database is created fresh and dropped afterwards. In CI a missing server fails
/// the test; elsewhere the test is skipped with the reason.
/// </summary>
internal static class PostgreSqlServer
{
    public const string Variable = "CREDO_TEST_POSTGRES";

    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }

            var reason = $"{Variable} is not set: PostgreSQL tests need a server (.ci/run installs and starts one, then sets it, e.g. Host=127.0.0.1;Username=postgres;Password=...).";
            MissingPrerequisite.Stop(reason);
            return "";
        }
    }

    /// <summary>Creates an empty database and returns its connection string and a handle that drops it.</summary>
    public static async Task<TemporaryDatabase> CreateDatabaseAsync()
    {
        var admin = AdminConnectionString;
        var name = "credo_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new TemporaryDatabase(admin, name, new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString);
    }

    public sealed class TemporaryDatabase(string admin, string name, string connectionString) : IAsyncDisposable
    {
        public string ConnectionString => connectionString;

        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
