namespace Credo.Server.Tests.Listeners;

/// <summary>
/// The listener server on a fresh database of the real PostgreSQL server named by <c>CREDO_TEST_POSTGRES</c>, dropped
/// afterwards. In CI a missing server fails the test; elsewhere the test is skipped with the reason.
/// </summary>
public sealed class PostgreSqlListenerServerFixture : ListenerServerFixture
{
    private PostgreSqlServer.TemporaryDatabase? _database;

    protected override string[] ExtraArguments =>
        [.. base.ExtraArguments, "--Credo:Database:Provider=PostgreSql", $"--ConnectionStrings:Credo={_database!.ConnectionString}"];

    public override Dictionary<string, string> CliEnvironment => new()
    {
        ["Credo__Database__Provider"] = "PostgreSql",
        ["ConnectionStrings__Credo"] = _database!.ConnectionString,
    };

    public override async ValueTask InitializeAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
