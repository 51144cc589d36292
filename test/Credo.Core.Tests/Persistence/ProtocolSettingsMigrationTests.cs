using System.Data.Common;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Credo.Core.Tests.Persistence;

/// <summary>
/// A database of the release before protocol modules, with a listener of every protocol in the columns of that release,
/// upgraded to today's schema: every setting arrives in the listener's protocol settings, and nothing is lost; webhooks
/// keep the Standard format, and an attempted delivery gets its last attempt as its history.
/// </summary>
public abstract class ProtocolSettingsMigrationTests : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory("credo-upgrade-").FullName;
    private CoreServices? _core;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    /// <summary>The provider's way to write a column name in SQL.</summary>
    protected abstract string Quote(string column);

    public async ValueTask InitializeAsync()
    {
        var database = await CreateDatabaseAsync();
        _core = await CoreServices.StartAsync(database, _keys, migrate: false);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Listeners_of_every_protocol_keep_their_settings_through_the_upgrade()
    {
        await using (var scope = _core!.Scope())
        {
            var db = _core.Get<CredoDbContext>(scope);
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_ProtocolSettings", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before, Ct);

            var credential = Guid.NewGuid();
            await InsertAsync(db, "credentials", new()
            {
                ["Id"] = credential, ["Type"] = "OAuth2ClientCredentials", ["Name"] = "Old", ["NormalizedName"] = "OLD", ["ClientId"] = "client",
                ["ProtectedClientSecret"] = "x", ["TokenEndpoint"] = "https://login.example.test/token", ["Scopes"] = "https://outlook.office365.com/.default",
                ["AuthenticationMethod"] = "ClientSecretBasic", ["Version"] = 1L, ["CreatedAt"] = 0L, ["UpdatedAt"] = 0L,
            });
            var listenerIds = new List<Guid>();
            foreach (var (name, protocol, columns) in new (string, string, Dictionary<string, object?>)[]
            {
                ("Old EWS", "EWS", new() { ["EwsUrl"] = "https://mail.contoso.com/EWS/Exchange.asmx", ["ImapPort"] = 993, ["ImapSecurity"] = "Tls", ["ImapSasl"] = "XOAuth2" }),
                ("Old Graph", "Graph", new() { ["GraphUrl"] = "https://graph.microsoft.us/v1.0", ["EwsUrl"] = "https://outlook.office365.com/EWS/Exchange.asmx", ["ImapPort"] = 993, ["ImapSecurity"] = "Tls", ["ImapSasl"] = "XOAuth2" }),
                ("Old IMAP", "IMAP", new() { ["ImapHost"] = "imap.contoso.com", ["ImapPort"] = 143, ["ImapSecurity"] = "StartTls", ["ImapUserName"] = "reader@contoso.com", ["ImapSasl"] = "OAuthBearer" }),
            })
            {
                columns["Id"] = Guid.NewGuid();
                columns["Name"] = name;
                columns["NormalizedName"] = name.ToUpperInvariant();
                columns["Protocol"] = protocol;
                columns["Mailbox"] = "box@contoso.com";
                columns["Folder"] = "Inbox/Invoices";
                columns["CredentialId"] = credential;
                columns["SyncState"] = "state-of-" + protocol;
                columns["AfterProcessing"] = "MarkRead";
                columns["Enabled"] = true;
                columns["UnreadOnly"] = true;
                columns["IncludeAttachments"] = true;
                columns["OnlyWithAttachments"] = false;
                columns["PollIntervalSeconds"] = 30;
                columns["ConsecutiveFailures"] = 0;
                columns["DeliveryFailures"] = 0;
                columns["MessagesReceived"] = 7L;
                columns["Version"] = 3L;
                columns["CreatedAt"] = 0L;
                await InsertAsync(db, "email_listeners", columns);
                listenerIds.Add((Guid)columns["Id"]!);
            }

            var message = Guid.NewGuid();
            await InsertAsync(db, "received_messages", new()
            {
                ["Id"] = message, ["ListenerId"] = listenerIds[0], ["ItemId"] = "item-1", ["DedupeKey"] = "item:item-1", ["Mime"] = "MIME"u8.ToArray(),
                ["Attachments"] = "[]", ["RecordedAt"] = 0L, ["Size"] = 4L,
            });
            await InsertAsync(db, "webhook_deliveries", new()
            {
                ["Id"] = Guid.NewGuid(), ["MessageId"] = message, ["ListenerId"] = listenerIds[0], ["Payload"] = "{}", ["Status"] = "Pending", ["Attempts"] = 3,
                ["CreatedAt"] = 0L, ["NextAttemptAt"] = 0L, ["LastAttemptAt"] = 42L, ["LastStatusCode"] = 503, ["LastAnswer"] = "Down for maintenance",
            });

            await _core.Get<CredoDatabase>(scope).MigrateAsync(Ct);
        }

        await using var read = _core.Scope();
        var listeners = (await _core.Get<ListenerService>(read).ListAsync(Ct)).ToDictionary(l => l.Name);
        Assert.Equal(3, listeners.Count);

        var ews = listeners["Old EWS"];
        Assert.Equal(("EWS", "https://mail.contoso.com/EWS/Exchange.asmx"), (ews.Protocol, ews.Settings.For(Protocol("EWS"))["url"]));
        var graph = listeners["Old Graph"];
        Assert.Equal(("Graph", "https://graph.microsoft.us/v1.0"), (graph.Protocol, graph.Settings.For(Protocol("Graph"))["url"]));

        // What another protocol held is kept too, in case the listener is switched back.
        Assert.Equal("https://outlook.office365.com/EWS/Exchange.asmx", graph.Settings.For(Protocol("EWS"))["url"]);
        var imap = listeners["Old IMAP"].Settings.For(Protocol("IMAP"));
        Assert.Equal(("imap.contoso.com", 143, "StartTls", "reader@contoso.com", "OAuthBearer"),
            (imap["host"], imap.Number("port"), imap["security"], imap["userName"], imap["sasl"]));

        Assert.All(listeners.Values, l => Assert.Equal(Credo.Core.Webhooks.WebhookFormat.Standard, l.WebhookFormat));
        var attempt = Assert.Single(await _core.Get<CredoDbContext>(read).DeliveryAttempts.AsNoTracking().ToListAsync(Ct));
        Assert.Equal((503, "Down for maintenance", 42L), (attempt.StatusCode, attempt.Answer, attempt.At.UtcTicks));

        // The rest of each listener is untouched.
        Assert.All(listeners.Values, l =>
        {
            Assert.Equal(("box@contoso.com", "Inbox/Invoices", 7L, 3L, $"state-of-{l.Protocol}"), (l.Mailbox, l.Folder, l.MessagesReceived, l.Version, l.SyncState));
        });
    }

    private static IMailProtocol Protocol(string name) => MailProtocols.Find(name)!;

    private async Task InsertAsync(CredoDbContext db, string table, Dictionary<string, object?> columns)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(Ct);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Keys.Select(Quote))}) VALUES ({string.Join(", ", columns.Keys.Select((_, i) => $"@p{i}"))})";
        var index = 0;
        foreach (var value in columns.Values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{index++}";
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }
}

/// <summary>The upgrade on SQLite.</summary>
public sealed class SqliteProtocolSettingsMigrationTests : ProtocolSettingsMigrationTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-upgrade-db-").FullName;

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" });

    protected override string Quote(string column) => column;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The upgrade on PostgreSQL.</summary>
public sealed class PostgreSqlProtocolSettingsMigrationTests : ProtocolSettingsMigrationTests
{
    private PostgreSqlServer.TemporaryDatabase? _database;

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        return new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = _database.ConnectionString };
    }

    protected override string Quote(string column) => $"\"{column}\"";

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
