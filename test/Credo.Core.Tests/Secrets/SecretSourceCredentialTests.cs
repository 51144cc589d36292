using Credo.Core.Credentials;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Secrets;
using Credo.Core.Tests.Infrastructure;
using Credo.OAuth;
using Credo.Sandbox;
using Credo.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace Credo.Core.Tests.Secrets;

/// <summary>
/// Credentials whose secret comes from an environment variable or a file: tokens from the sandbox's OpenIddict, the value
/// never stored, a rotation picked up after the cache duration and at once after <c>invalid_client</c>, and each failure
/// named with its reference.
/// </summary>
public sealed class SecretSourceCredentialTests : IAsyncLifetime
{
    private const string ClientId = "rotating-client";
    private const string CertificateClientId = "certificate-client";

    private readonly string _folder = Directory.CreateTempSubdirectory("credo-secret-sources-").FullName;
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());
    private readonly string _variable = "CREDO_SECRET_TEST_" + Guid.NewGuid().ToString("N");
    private readonly CertificateFiles _certificate = CertificateFiles.Rsa("CN=credo-referenced", TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(90));
    private SandboxServer? _sandbox;
    private CoreServices? _core;

    private SandboxServer Sandbox => _sandbox ?? throw new InvalidOperationException("Not started.");

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    private string SecretFile => Path.Combine(_folder, "client-secret");

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(new SandboxClient { ClientId = ClientId, ClientSecret = "first-Secret-1" });
        options.Clients.Add(new SandboxClient { ClientId = CertificateClientId, Certificate = _certificate.CertificatePem() });
        _sandbox = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Directory.CreateDirectory(Path.Combine(_folder, "keys")).FullName,
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.Configure<SecretSourceOptions>(o => o.FileFolders.Add(_folder));
            });
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        _certificate.Dispose();
        await Core.DisposeAsync();
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_environment_reference_gives_a_token_and_Validate_says_where_the_secret_came_from()
    {
        Environment.SetEnvironmentVariable(_variable, "first-Secret-1");
        var credential = await CreateAsync("env:" + _variable);

        var validation = await ValidateAsync(credential);

        Assert.True(validation.Succeeded, validation.Summary);
        Assert.Equal($"read from env:{_variable}", validation.SecretOrigin);
        Assert.Contains($"secret read from env:{_variable}", validation.Summary, StringComparison.Ordinal);
        Assert.Equal("env:" + _variable, credential.SecretReference);
        Assert.Equal("", credential.ProtectedClientSecret);
        await AssertNotInDatabaseAsync("first-Secret-1");
    }

    [Fact]
    public async Task A_file_reference_reads_the_file_without_its_trailing_newline()
    {
        await File.WriteAllTextAsync(SecretFile, "first-Secret-1\n", TestContext.Current.CancellationToken);
        var credential = await CreateAsync("file:" + SecretFile);

        var token = await TokensAsync(credential);

        Assert.True(token.Succeeded, token.Error?.Message);
        await AssertNotInDatabaseAsync("first-Secret-1");
    }

    [Fact]
    public async Task A_rotation_is_used_at_once_after_invalid_client_and_otherwise_after_the_cache_duration()
    {
        await File.WriteAllTextAsync(SecretFile, "first-Secret-1", TestContext.Current.CancellationToken);
        var credential = await CreateAsync("file:" + SecretFile);
        var tokens = await SourceAsync(credential);
        var first = await tokens.GetTokenAsync(TestContext.Current.CancellationToken);
        Assert.True(first.Succeeded, first.Error?.Message);

        // Rotated in the vault and at the authorization server: the value in memory is now refused.
        await RotateAsync("second-Secret-2");
        tokens.Reject(first.Value!);
        var second = await tokens.GetTokenAsync(TestContext.Current.CancellationToken);
        Assert.True(second.Succeeded, second.Error?.Message);
        Assert.NotEqual(first.Value!.Value, second.Value!.Value);

        // Rotated again; within the cache duration the token of the value in memory serves, after it the new value is read.
        await RotateAsync("third-Secret-3");
        var cached = await tokens.GetTokenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(second.Value!.Value, cached.Value!.Value);
        _time.Advance(new SecretSourceOptions().CacheDuration + TimeSpan.FromSeconds(1));
        var third = await tokens.GetTokenAsync(TestContext.Current.CancellationToken);
        Assert.True(third.Succeeded, third.Error?.Message);
        Assert.NotEqual(second.Value!.Value, third.Value!.Value);
        await AssertNotInDatabaseAsync("third-Secret-3");
    }

    [Fact]
    public async Task An_unset_variable_fails_at_the_secret_source_stage_naming_it_and_sends_nothing()
    {
        var credential = await CreateAsync("env:" + _variable);

        var validation = await ValidateAsync(credential);
        var token = await TokensAsync(credential);

        Assert.Equal("secret_source", validation.Failure?.Stage);
        Assert.Contains($"The environment variable {_variable} of env:{_variable} is not set", validation.Failure!.Message, StringComparison.Ordinal);
        Assert.NotNull(validation.Failure.Hint);
        Assert.Equal(TokenFailureKind.SecretSource, token.Error?.Kind);
    }

    [Fact]
    public async Task A_missing_file_fails_naming_the_file()
    {
        var credential = await CreateAsync("file:" + SecretFile);

        var validation = await ValidateAsync(credential);

        Assert.Equal("secret_source", validation.Failure?.Stage);
        Assert.Contains($"The file {SecretFile} of file:{SecretFile} does not exist", validation.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env:ConnectionStrings__Credo", "begin with CREDO_SECRET_")]
    [InlineData("env:PATH", "begin with CREDO_SECRET_")]
    [InlineData("file:/etc/hostname", "Credo reads only files in")]
    public async Task A_reference_to_the_servers_own_settings_or_files_is_refused_and_nothing_is_read(string reference, string expected)
    {
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(Input(reference), "tests", TestContext.Current.CancellationToken);

        Assert.Equal(ChangeStatus.Invalid, change.Status);
        Assert.Contains(expected, change.Errors[CredentialFields.SecretReference], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_in_an_allowed_folder_that_leads_out_of_it_is_refused()
    {
        var outside = Directory.CreateTempSubdirectory("credo-outside-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outside.FullName, "secret"), "not-for-tokens", TestContext.Current.CancellationToken);
            Directory.CreateSymbolicLink(Path.Combine(_folder, "escape"), outside.FullName);
            await using var scope = Core.Scope();

            var change = await Core.Get<CredentialStore>(scope).CreateAsync(Input($"file:{_folder}/escape/secret"), "tests", TestContext.Current.CancellationToken);

            Assert.Equal(ChangeStatus.Invalid, change.Status);
            Assert.Contains("Credo reads only files in", change.Errors[CredentialFields.SecretReference], StringComparison.Ordinal);
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_vault_that_is_not_configured_is_refused_when_saving()
    {
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(Input("vault://nowhere/secret/credo#client_secret"), "tests", TestContext.Current.CancellationToken);

        Assert.Equal(ChangeStatus.Invalid, change.Status);
        Assert.Contains("Credo:SecretSources:Vault:nowhere:Address", change.Errors[CredentialFields.SecretReference], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_reference_goes_only_where_it_was_saved_for()
    {
        Environment.SetEnvironmentVariable(_variable, "first-Secret-1");
        var credential = await CreateAsync("env:" + _variable);
        var input = Input(null);
        input.TokenEndpoint = "https://login.example.test/token";

        await using var scope = Core.Scope();
        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(input, credential.Id, "mallory", TestContext.Current.CancellationToken);
        var change = await Core.Get<CredentialStore>(scope).UpdateAsync(credential.Id, credential.Version, input, "mallory", TestContext.Current.CancellationToken);

        Assert.Equal(CredentialRules.RetypeReference, validation.Errors[CredentialFields.SecretReference]);
        Assert.Equal(CredentialRules.RetypeReference, change.Errors[CredentialFields.SecretReference]);
    }

    [Fact]
    public async Task Changing_the_reference_is_audited_old_to_new_and_typing_a_secret_replaces_it()
    {
        var credential = await CreateAsync("env:" + _variable);
        await using var scope = Core.Scope();
        var store = Core.Get<CredentialStore>(scope);

        var moved = await store.UpdateAsync(credential.Id, credential.Version, Input("file:" + SecretFile), "alice", TestContext.Current.CancellationToken);
        Assert.Equal("file:" + SecretFile, moved.Value!.SecretReference);
        var stored = await store.UpdateAsync(credential.Id, moved.Value.Version, Input(null, secret: "first-Secret-1"), "alice", TestContext.Current.CancellationToken);

        Assert.Null(stored.Value!.SecretReference);
        Assert.NotEqual("", stored.Value.ProtectedClientSecret);
        var audit = await Core.Get<CredoDbContext>(scope).AuditEntries.Where(a => a.EntityId == credential.Id.ToString()).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(audit, e => e.Details?.Contains($"Secret Reference: env:{_variable} → file:{SecretFile}", StringComparison.Ordinal) == true);
        Assert.Contains(audit, e => e.Details?.Contains($"Secret Reference: file:{SecretFile} → none (stored in Credo)", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task A_certificate_reference_signs_the_client_assertion_with_the_key_it_reads(string format)
    {
        // A PFX without password is what Key Vault keeps for a certificate; a file holds it as base64 like a Key Vault secret.
        await File.WriteAllTextAsync(SecretFile, format == "pem" ? System.Text.Encoding.ASCII.GetString(_certificate.Pem()) : Convert.ToBase64String(_certificate.Pfx("")), TestContext.Current.CancellationToken);
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(CertificateInput("file:" + SecretFile), "tests", TestContext.Current.CancellationToken);
        Assert.True(change.Status == ChangeStatus.Done, string.Join(" ", change.Errors.Values));

        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(CertificateInput(null), change.Value!.Id, "tests", TestContext.Current.CancellationToken);
        var token = await TokensAsync(change.Value);

        Assert.True(validation.Succeeded, validation.Summary);
        Assert.True(token.Succeeded, token.Error?.Message);
        Assert.Null(change.Value.ProtectedCertificate);
    }

    [Fact]
    public async Task A_reference_that_holds_no_certificate_says_so()
    {
        await File.WriteAllTextAsync(SecretFile, "not a certificate", TestContext.Current.CancellationToken);
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(CertificateInput("file:" + SecretFile), "tests", TestContext.Current.CancellationToken);

        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(CertificateInput(null), change.Value!.Id, "tests", TestContext.Current.CancellationToken);

        Assert.Equal("secret_source", validation.Failure?.Stage);
        Assert.Contains("holds no certificate Credo can sign with", validation.Failure!.Message, StringComparison.Ordinal);
    }

    private CredentialInput Input(string? reference, string? secret = null) => new()
    {
        Name = "From a source",
        ClientId = ClientId,
        SecretReference = reference,
        ClientSecret = secret,
        TokenEndpoint = Sandbox.TokenEndpoint.ToString(),
        Scopes = SandboxClient.ExchangeOnlineScope,
    };

    private CredentialInput CertificateInput(string? reference)
    {
        var input = Input(reference);
        (input.Type, input.ClientId) = (CredentialType.OAuth2ClientCertificate, CertificateClientId);
        return input;
    }

    private async Task<Credential> CreateAsync(string reference)
    {
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(Input(reference), "tests", TestContext.Current.CancellationToken);
        Assert.True(change.Status == ChangeStatus.Done, string.Join(" ", change.Errors.Values));
        return change.Value!;
    }

    private async Task<CredentialValidation> ValidateAsync(Credential credential)
    {
        await using var scope = Core.Scope();
        return await Core.Get<CredentialValidator>(scope).ValidateAsync(Input(null), credential.Id, "tests", TestContext.Current.CancellationToken);
    }

    private async Task<IAccessTokenSource> SourceAsync(Credential credential)
    {
        await using var scope = Core.Scope();
        var sources = new CredentialTokenSources(Core.Get<ITokenCache>(scope), Core.Get<SecretSources>(scope));
        var tokens = await sources.GetAsync(credential.Id, credential.Version, Core.Get<CredentialStore>(scope), Core.Get<CredentialSecrets>(scope), TestContext.Current.CancellationToken);
        return tokens!.Source;
    }

    private async Task<Credo.Net.Result<AccessToken, TokenFailure>> TokensAsync(Credential credential) =>
        await (await SourceAsync(credential)).GetTokenAsync(TestContext.Current.CancellationToken);

    private async Task RotateAsync(string secret)
    {
        await using var scope = Sandbox.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(ClientId, TestContext.Current.CancellationToken);
        await applications.UpdateAsync(application!, secret, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(SecretFile, secret, TestContext.Current.CancellationToken);
    }

    private async Task AssertNotInDatabaseAsync(string secret)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_folder, "credo.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)));
        }
    }
}
