namespace Credo.Server.Tests.Listeners;

/// <summary>
/// The listener server as an operator runs it, with the engine's own back-offs (only a fast tick, so that tests need not
/// wait for it): what the console, the API and the CLI say while a server fails is what these tests check.
/// </summary>
public class TruthfulStatusFixture : ListenerServerFixture
{
    protected override string[] ExtraArguments => ["--Credo:Listeners:Tick=00:00:00.100", .. DatabaseArguments];

    /// <summary>The database settings; SQLite in the data folder unless a subclass says otherwise.</summary>
    protected virtual string[] DatabaseArguments => [];

    /// <summary>The environment that the CLI needs beside <c>--data</c> to open the server's database.</summary>
    public virtual Dictionary<string, string> CliEnvironment => [];
}

/// <summary>The same server on PostgreSQL, in a database of its own.</summary>
public sealed class PostgreSqlTruthfulStatusFixture : TruthfulStatusFixture
{
    private PostgreSqlServer.TemporaryDatabase? _database;

    protected override string[] DatabaseArguments => ["--Credo:Database:Provider=PostgreSql", $"--ConnectionStrings:Credo={_database!.ConnectionString}"];

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
