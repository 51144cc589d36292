using Credo.Core.Persistence;
using Microsoft.Data.Sqlite;

namespace Credo.Core.Tests.Webhooks;

/// <summary>The dispatcher on a SQLite file (one node, one writer).</summary>
public sealed class SqliteWebhookDispatcherTests : WebhookDispatcherTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-webhooks-").FullName;

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
