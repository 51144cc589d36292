using System.Text;
using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.OAuth;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credo.Core.Tests.Credentials;

/// <summary>The credential store, run on each database provider against a real database.</summary>
public abstract class CredentialStoreTests : IAsyncLifetime
{
    protected const string Secret = "Sup3r-Secret+Value/ü";

    private readonly string _keys = Directory.CreateTempSubdirectory("credo-keys-").FullName;
    private CoreServices? _core;

    protected CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    /// <summary>Every byte the database holds about credentials, as text, for scanning.</summary>
    protected abstract Task<string> RawContentAsync();

    public async ValueTask InitializeAsync() => _core = await CoreServices.StartAsync(await CreateDatabaseAsync(), _keys);

    public virtual async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Created_credential_reads_back_with_a_usable_secret()
    {
        var created = await CreateAsync(Input("Exchange Online"));

        await using var scope = Core.Scope();
        var sut = Core.Get<CredentialStore>(scope);
        var stored = await sut.GetAsync(created.Id, TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.Equal("Exchange Online", stored.Name);
        Assert.Equal(1, stored.Version);
        Assert.Equal("b a", stored.Scopes);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, stored.AuthenticationMethod);
        Assert.Equal(Secret, Core.Get<CredentialSecrets>(scope).ToClientCredentials(stored).ClientSecret!.Reveal());
        Assert.Null(stored.LastValidatedAt);
    }

    [Fact]
    public async Task Database_holds_no_plaintext_secret()
    {
        await CreateAsync(Input("Exchange Online"));

        var raw = await RawContentAsync();

        Assert.Contains("Exchange Online", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r-Secret", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Name_that_exists_in_another_case_is_refused()
    {
        await CreateAsync(Input("Exchange Online"));

        await using var scope = Core.Scope();
        var result = await Core.Get<CredentialStore>(scope).CreateAsync(Input("  exchange ONLINE "), "tester", TestContext.Current.CancellationToken);

        Assert.Equal(ChangeStatus.Invalid, result.Status);
        Assert.Contains("already exists", result.Errors[CredentialFields.Name], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_onto_another_credentials_name_is_refused()
    {
        await CreateAsync(Input("First"));
        var second = await CreateAsync(Input("Second"));

        await using var scope = Core.Scope();
        var result = await Core.Get<CredentialStore>(scope).UpdateAsync(second.Id, second.Version, Input("FIRST", secret: null), "tester", TestContext.Current.CancellationToken);

        Assert.Equal(ChangeStatus.Invalid, result.Status);
        Assert.True(result.Errors.ContainsKey(CredentialFields.Name));
    }

    [Fact]
    public async Task Update_with_an_empty_secret_keeps_the_secret_and_audits_the_changed_fields_only()
    {
        var created = await CreateAsync(Input("Exchange Online"));
        var change = Input("Exchange Online", secret: "");

        // Other scopes that name no host: the Resource Hosts stay the same, so the stored secret may be kept.
        change.Scopes = "c a";

        await using (var scope = Core.Scope())
        {
            var result = await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, 1, change, "alice", TestContext.Current.CancellationToken);
            Assert.Equal(ChangeStatus.Done, result.Status);
            Assert.Equal(2, result.Value?.Version);
        }

        await using (var scope = Core.Scope())
        {
            var sut = Core.Get<CredentialStore>(scope);
            var stored = await sut.GetAsync(created.Id, TestContext.Current.CancellationToken);
            Assert.Equal(Secret, Core.Get<CredentialSecrets>(scope).ToClientCredentials(stored!).ClientSecret!.Reveal());
            var entry = (await Core.Get<AuditLog>(scope).ListAsync(10, TestContext.Current.CancellationToken)).First();
            Assert.Equal(("alice", "update", "fields: Scopes"), (entry.Actor, entry.Action, entry.Details));
        }
    }

    [Fact]
    public async Task Second_of_two_admins_editing_gets_a_conflict_and_the_first_edit_is_kept()
    {
        var created = await CreateAsync(Input("Exchange Online"));
        var first = Input("Renamed by Alice", secret: null);
        var second = Input("Renamed by Bob", secret: null);

        await using (var scope = Core.Scope())
        {
            Assert.Equal(ChangeStatus.Done, (await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, 1, first, "alice", TestContext.Current.CancellationToken)).Status);
        }

        await using (var scope = Core.Scope())
        {
            var result = await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, 1, second, "bob", TestContext.Current.CancellationToken);
            Assert.Equal(ChangeStatus.Conflict, result.Status);
            Assert.Equal("Renamed by Alice", result.Value?.Name);
            Assert.Contains("not saved", result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Simultaneous_edits_of_one_version_save_exactly_one()
    {
        var created = await CreateAsync(Input("Exchange Online"));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            await using var scope = Core.Scope();
            return await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, 1, Input($"Edit {i}", secret: null), $"admin{i}", TestContext.Current.CancellationToken);
        }));

        Assert.Equal(1, results.Count(r => r.Status == ChangeStatus.Done));
        Assert.All(results.Where(r => r.Status != ChangeStatus.Done), r => Assert.Equal(ChangeStatus.Conflict, r.Status));
        await using var check = Core.Scope();
        var stored = await Core.Get<CredentialStore>(check).GetAsync(created.Id, TestContext.Current.CancellationToken);
        Assert.Equal(2, stored?.Version);
        Assert.Equal(results.Single(r => r.Status == ChangeStatus.Done).Value?.Name, stored?.Name);
    }

    [Fact]
    public async Task Delete_removes_the_credential_and_is_audited()
    {
        var created = await CreateAsync(Input("Exchange Online"));

        await using var scope = Core.Scope();
        var sut = Core.Get<CredentialStore>(scope);
        Assert.Equal(ChangeStatus.Done, (await sut.DeleteAsync(created.Id, "alice", TestContext.Current.CancellationToken)).Status);
        Assert.Null(await sut.GetAsync(created.Id, TestContext.Current.CancellationToken));
        Assert.Equal(ChangeStatus.NotFound, (await sut.DeleteAsync(created.Id, "alice", TestContext.Current.CancellationToken)).Status);
        var entry = (await Core.Get<AuditLog>(scope).ListAsync(1, TestContext.Current.CancellationToken)).Single();
        Assert.Equal(("delete", "Exchange Online"), (entry.Action, entry.EntityName));
    }

    protected async Task<Credential> CreateAsync(CredentialInput input)
    {
        await using var scope = Core.Scope();
        var result = await Core.Get<CredentialStore>(scope).CreateAsync(input, "tester", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, result.Status);
        return result.Value!;
    }

    protected static CredentialInput Input(string name, string? secret = Secret) => new()
    {
        Name = name,
        ClientId = "client-1",
        ClientSecret = secret,
        TokenEndpoint = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
        Scopes = "b a b",
        AuthenticationMethod = ClientAuthenticationMethod.ClientSecretPost,
    };
}

public sealed class SqliteCredentialStoreTests : CredentialStoreTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-sqlite-").FullName;

    private string DatabaseFile => Path.Combine(_folder, "credo.db");

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={DatabaseFile}" });

    protected override Task<string> RawContentAsync()
    {
        SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(_folder).SelectMany(File.ReadAllBytes).ToArray();
        return Task.FromResult(Encoding.UTF8.GetString(bytes) + Encoding.Unicode.GetString(bytes));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgreSqlCredentialStoreTests : CredentialStoreTests
{
    private PostgreSqlServer.TemporaryDatabase? _database;

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        return new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = _database.ConnectionString };
    }

    protected override async Task<string> RawContentAsync()
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var text = new StringBuilder();
        foreach (var table in new[] { "credentials", "audit_log" })
        {
            await using var command = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t", connection);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
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
