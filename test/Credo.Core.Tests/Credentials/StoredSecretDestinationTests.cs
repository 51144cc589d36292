using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.OAuth;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Tests.Credentials;

/// <summary>
/// A stored secret goes only to the Token Endpoint and Client Identifier it was saved for: with the secret field left
/// empty, validating or saving other ones is refused and nothing is sent anywhere.
/// </summary>
public sealed class StoredSecretDestinationTests : IAsyncLifetime
{
    private const string Secret = "Stored-S3cret+Value/ü";
    private const string SavedEndpoint = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";

    private readonly string _folder = Directory.CreateTempSubdirectory("credo-destination-").FullName;
    private CoreServices? _core;
    private LoopbackServer? _elsewhere;

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    /// <summary>A server on loopback standing for one the secret was not saved for; it counts what reaches it.</summary>
    private LoopbackServer Elsewhere => _elsewhere ?? throw new InvalidOperationException("Not started.");

    private string ElsewhereEndpoint => Elsewhere.Url("token").ToString();

    public async ValueTask InitializeAsync()
    {
        _elsewhere = await LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Directory.CreateDirectory(Path.Combine(_folder, "keys")).FullName);
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        if (_elsewhere is not null)
        {
            await _elsewhere.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Validate_with_the_stored_secret_and_another_token_endpoint_sends_nothing_and_asks_for_the_secret()
    {
        var created = await CreateAsync();
        var input = Input(secret: null);
        input.TokenEndpoint = ElsewhereEndpoint;

        await using var scope = Core.Scope();
        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(input, created.Id, "mallory", TestContext.Current.CancellationToken);

        Assert.Equal(CredentialRules.RetypeSecret, validation.Errors[CredentialFields.ClientSecret]);
        Assert.False(validation.Succeeded);
        Assert.Equal(0, Elsewhere.Requests);
    }

    [Fact]
    public async Task Validate_with_the_stored_secret_and_another_client_identifier_sends_nothing()
    {
        var created = await CreateAsync(endpoint: ElsewhereEndpoint);
        var input = Input(secret: "", endpoint: ElsewhereEndpoint);
        input.ClientId = "someone-elses-client";

        await using var scope = Core.Scope();
        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(input, created.Id, "mallory", TestContext.Current.CancellationToken);

        Assert.Equal(CredentialRules.RetypeSecret, validation.Errors[CredentialFields.ClientSecret]);
        Assert.Equal(0, Elsewhere.Requests);
    }

    [Fact]
    public async Task Validate_with_the_secret_typed_again_is_sent_to_the_new_token_endpoint()
    {
        var created = await CreateAsync();
        var input = Input(secret: "typed-again", endpoint: ElsewhereEndpoint);

        await using var scope = Core.Scope();
        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(input, created.Id, "alice", TestContext.Current.CancellationToken);

        Assert.Empty(validation.Errors);
        Assert.Equal(1, Elsewhere.Requests);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Update_that_keeps_the_stored_secret_but_changes_where_it_goes_is_refused_and_changes_nothing(bool endpoint, bool clientId)
    {
        var created = await CreateAsync();
        var input = Input(secret: null, endpoint: endpoint ? ElsewhereEndpoint : SavedEndpoint);
        if (clientId)
        {
            input.ClientId = "someone-elses-client";
        }

        await using (var scope = Core.Scope())
        {
            var result = await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, created.Version, input, "mallory", TestContext.Current.CancellationToken);
            Assert.Equal(ChangeStatus.Invalid, result.Status);
            Assert.Equal(CredentialRules.RetypeSecret, result.Errors[CredentialFields.ClientSecret]);
        }

        await using (var scope = Core.Scope())
        {
            var stored = await Core.Get<CredentialStore>(scope).GetAsync(created.Id, TestContext.Current.CancellationToken);
            Assert.Equal((1L, SavedEndpoint, "client-1"), (stored!.Version, stored.TokenEndpoint, stored.ClientId));
            Assert.DoesNotContain(await Core.Get<AuditLog>(scope).ListAsync(10, TestContext.Current.CancellationToken), e => e.Action == "update");
        }

        Assert.Equal(0, Elsewhere.Requests);
    }

    [Fact]
    public async Task Update_with_the_secret_typed_again_moves_the_token_endpoint_and_audits_old_and_new()
    {
        var created = await CreateAsync();

        await using (var scope = Core.Scope())
        {
            var result = await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, created.Version, Input(Secret, ElsewhereEndpoint), "alice", TestContext.Current.CancellationToken);
            Assert.Equal(ChangeStatus.Done, result.Status);
        }

        await using (var scope = Core.Scope())
        {
            var entry = (await Core.Get<AuditLog>(scope).ListAsync(1, TestContext.Current.CancellationToken)).Single();
            Assert.Equal(("alice", "update"), (entry.Actor, entry.Action));
            Assert.Equal($"fields: Token Endpoint; Token Endpoint: {SavedEndpoint} → {ElsewhereEndpoint}", entry.Details);
            Assert.DoesNotContain(Secret, entry.Details, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Creation_audits_the_token_endpoint_and_never_the_secret()
    {
        await CreateAsync();

        await using var scope = Core.Scope();
        var entry = (await Core.Get<AuditLog>(scope).ListAsync(1, TestContext.Current.CancellationToken)).Single();
        Assert.Equal("create", entry.Action);
        Assert.Contains("Token Endpoint: " + SavedEndpoint + ";", entry.Details, StringComparison.Ordinal);
        Assert.EndsWith("Resource Hosts: outlook.office365.com (from the scopes)", entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_secret_the_key_ring_can_no_longer_read_is_reported_as_a_field_error_not_thrown()
    {
        var created = await CreateAsync(endpoint: ElsewhereEndpoint);
        await using (var scope = Core.Scope())
        {
            await Core.Get<CredoDbContext>(scope).Credentials.Where(c => c.Id == created.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ProtectedClientSecret, "CfDJ8-not-a-protected-value"), TestContext.Current.CancellationToken);
        }

        await using (var scope = Core.Scope())
        {
            var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(Input(secret: null, endpoint: ElsewhereEndpoint), created.Id, "alice", TestContext.Current.CancellationToken);
            Assert.Contains("type it again", validation.Errors[CredentialFields.ClientSecret], StringComparison.Ordinal);
            Assert.Null(await Core.Get<CredentialSecrets>(scope).ResolveAsync(Input(secret: null, endpoint: ElsewhereEndpoint), created.Id, TestContext.Current.CancellationToken));
        }

        Assert.Equal(0, Elsewhere.Requests);
    }

    private async Task<Credential> CreateAsync(string endpoint = SavedEndpoint)
    {
        await using var scope = Core.Scope();
        var result = await Core.Get<CredentialStore>(scope).CreateAsync(Input(Secret, endpoint), "tester", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, result.Status);
        return result.Value!;
    }

    private static CredentialInput Input(string? secret, string endpoint = SavedEndpoint) => new()
    {
        Name = "Exchange Online",
        ClientId = "client-1",
        ClientSecret = secret,
        TokenEndpoint = endpoint,
        Scopes = "https://outlook.office365.com/.default",
        AuthenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
    };
}
