using System.Data.Common;
using Credo.Core.Listeners;
using Credo.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Credo.Benchmarks;

/// <summary>
/// The database a run's <c>credo serve</c> nodes use: SQLite in the data folder (one node), or a fresh database on the
/// PostgreSQL server that <c>CREDO_TEST_POSTGRES</c> names (an administrator's connection string, as the tests use it),
/// dropped at the end. The run reads the tables with plain SQL that both understand (quoted column names, <c>@</c>
/// parameters).
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _admin;
    private readonly string? _name;

    private BenchDatabase(DatabaseOptions options, string? admin, string? name)
    {
        Options = options;
        _admin = admin;
        _name = name;
    }

    public DatabaseOptions Options { get; }

    public bool IsPostgreSql => Options.Provider == DatabaseProvider.PostgreSql;

    /// <summary>The settings that make <c>credo serve</c> use this database.</summary>
    public string[] ServeArgs => IsPostgreSql
        ? ["--Credo:Database:Provider=PostgreSql", $"--ConnectionStrings:Credo={Options.ConnectionString}"]
        : [];

    public static BenchDatabase Sqlite(string data) =>
        new(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(data, "credo.db")}" }, null, null);

    /// <summary>
    /// A fresh database on the server <c>CREDO_TEST_POSTGRES</c> names; each process that opens it keeps at most
    /// <paramref name="maxPoolSize"/> connections (Npgsql's default is 100, PostgreSQL's <c>max_connections</c> 100 in all).
    /// </summary>
    public static async Task<BenchDatabase> PostgreSqlAsync(int maxPoolSize = 100)
    {
        var admin = Environment.GetEnvironmentVariable("CREDO_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException("Set CREDO_TEST_POSTGRES to a PostgreSQL administrator's connection string (as .ci/run does) to run on PostgreSQL.");
        }

        var name = "credo_bench_" + Guid.NewGuid().ToString("N")[..8];
        await AdminAsync(admin, $"CREATE DATABASE {name}");
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = maxPoolSize }.ConnectionString;
        return new BenchDatabase(new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = connection }, admin, name);
    }

    /// <summary>Credo's services on this database and data folder, as <c>credo serve</c> opens them (the key ring in the database on PostgreSQL).</summary>
    public ServiceProvider Services(string data)
    {
        Directory.CreateDirectory(Path.Combine(data, "keys"));
        var services = new ServiceCollection();
        services.AddLogging();
        var protection = services.AddDataProtection().SetApplicationName("Credo");
        if (IsPostgreSql)
        {
            protection.PersistKeysToDbContext<CredoDbContext>();
        }
        else
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(data, "keys")));
        }

        services.AddCredoCore(Options);
        services.AddCredoListeners(runInBackground: false);
        return services.BuildServiceProvider();
    }

    /// <summary>A connection of its own (not pooled), opened.</summary>
    public async Task<DbConnection> OpenAsync(bool readOnly = false)
    {
        DbConnection connection = IsPostgreSql
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Options.ConnectionString) { Pooling = false }.ConnectionString)
            : new SqliteConnection($"{Options.ConnectionString};{(readOnly ? "Mode=ReadOnly;" : "")}Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(readOnly: true);
        await using var command = Command(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        if (IsPostgreSql)
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(_admin!, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
