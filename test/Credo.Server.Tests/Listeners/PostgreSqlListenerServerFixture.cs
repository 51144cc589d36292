using Credo.Tests;
using Npgsql;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// The listener server on a fresh database of the real PostgreSQL server named by <c>CREDO_TEST_POSTGRES</c>, dropped
/// afterwards. In CI a missing server fails the test; elsewhere the test is skipped with the reason.
/// </summary>
public sealed class PostgreSqlListenerServerFixture : ListenerServerFixture
{
    private readonly string _database = "credo_listeners_" + Guid.NewGuid().ToString("N");
    private string? _admin;

    protected override string[] ExtraArguments =>
    [
        .. base.ExtraArguments,
        "--Credo:Database:Provider=PostgreSql",
        $"--ConnectionStrings:Credo={new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString}",
    ];

    public override async ValueTask InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("CREDO_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(_admin))
        {
            var reason = "CREDO_TEST_POSTGRES is not set: this test needs a PostgreSQL server (.ci/run starts one).";
            MissingPrerequisite.Stop(reason);
        }

        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_admin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
