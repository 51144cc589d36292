using Credo.Core.Credentials;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Secrets;
using Credo.Core.Tests.Infrastructure;
using Credo.OAuth;
using Credo.Sandbox;
using Credo.Sandbox.Vaults.HashiCorp;
using Credo.Sandbox.Vaults.KeyVault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Secrets;

/// <summary>
/// Secrets read from the sandbox's HashiCorp Vault (a token, a token file, AppRole) and its Azure Key Vault (the official
/// client signed in with Azure.Identity), each giving a token from the sandbox's OpenIddict; reads cached for the cache
/// duration; each failure named with its source and reference.
/// </summary>
public sealed class VaultSourceTests : IAsyncLifetime
{
    private const string VaultReference = $"vault://sandbox/{SandboxVault.DefaultMount}/{SandboxVault.DemoSecretPath}#{SandboxVault.DemoSecretKey}";
    private const string KeyVaultReference = $"keyvault://sandbox/{SandboxKeyVault.DemoSecretName}";

    private readonly string _folder = Directory.CreateTempSubdirectory("credo-vaults-").FullName;
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());
    private SandboxServer? _sandbox;
    private CoreServices? _core;

    private SandboxServer Sandbox => _sandbox ?? throw new InvalidOperationException("Not started.");

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 }, cancellationToken: TestContext.Current.CancellationToken);
        var secretId = Path.Combine(_folder, "secret-id");
        var tokenFile = Path.Combine(_folder, "vault-token");
        var trusted = Path.Combine(_folder, "sandbox.pem");
        await File.WriteAllTextAsync(secretId, SandboxVault.DemoSecretId + "\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(tokenFile, Sandbox.Vault.RootToken, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(trusted, Sandbox.TlsCertificatePem(), TestContext.Current.CancellationToken);
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Directory.CreateDirectory(Path.Combine(_folder, "keys")).FullName,
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.Configure<SecretSourceOptions>(o =>
                {
                    o.Vault["sandbox"] = new VaultSourceOptions { Address = Sandbox.Vault.Address, Token = Sandbox.Vault.RootToken };
                    o.Vault["file"] = new VaultSourceOptions { Address = Sandbox.Vault.Address, TokenFile = tokenFile };
                    o.Vault["approle"] = new VaultSourceOptions { Address = Sandbox.Vault.Address, RoleId = SandboxVault.DemoRoleId, SecretIdFile = secretId, Namespace = "team-a" };
                    o.Vault["wrong"] = new VaultSourceOptions { Address = Sandbox.Vault.Address, Token = "not-a-token" };
                    o.AzureKeyVault["sandbox"] = KeyVault(trusted);
                    o.AzureKeyVault["untrusted"] = KeyVault(null);
                });
            });
    }

    // The sandbox's Key Vault, signed in to as its default client; trusting its certificate only with trustedCertificateFile.
    private KeyVaultSourceOptions KeyVault(string? trustedCertificateFile) => new()
    {
        VaultUri = Sandbox.KeyVaultUri,
        TenantId = SandboxServer.TenantId,
        ClientId = SandboxClient.Default().ClientId,
        ClientSecret = SandboxClient.Default().ClientSecret,
        AuthorityHost = Sandbox.KeyVaultUri,
        TrustedCertificateFile = trustedCertificateFile,
        DisableChallengeResourceVerification = true,
    };

    public async ValueTask DisposeAsync()
    {
        await Core.DisposeAsync();
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("sandbox")]
    [InlineData("file")]
    [InlineData("approle")]
    public async Task A_Vault_reference_gives_a_token_and_names_the_version_it_read(string vault)
    {
        var reference = VaultReference.Replace("vault://sandbox/", $"vault://{vault}/", StringComparison.Ordinal);
        var credential = await CreateAsync(reference);

        var validation = await ValidateAsync(credential);

        Assert.True(validation.Succeeded, validation.Summary);
        Assert.Equal($"read from {reference} (version 1)", validation.SecretOrigin);
    }

    [Fact]
    public async Task A_Key_Vault_reference_is_read_with_the_official_client_signed_in_through_Azure_Identity()
    {
        var credential = await CreateAsync(KeyVaultReference);

        var validation = await ValidateAsync(credential);

        Assert.True(validation.Succeeded, validation.Summary);
        Assert.StartsWith($"read from {KeyVaultReference} (version ", validation.SecretOrigin, StringComparison.Ordinal);
        Assert.Equal(1, Sandbox.KeyVault.Reads);
    }

    [Fact]
    public async Task Reads_are_kept_for_the_cache_duration_and_a_rotation_is_read_after_it()
    {
        var credential = await CreateAsync(VaultReference);
        var tokens = await SourceAsync(credential);
        Assert.True((await tokens.GetTokenAsync(TestContext.Current.CancellationToken)).Succeeded);
        var reads = Sandbox.Vault.Reads;

        for (var i = 0; i < 5; i++)
        {
            tokens.Reject((await tokens.GetTokenAsync(TestContext.Current.CancellationToken)).Value!);
        }

        Assert.Equal(reads, Sandbox.Vault.Reads);
        Sandbox.Vault.SetSecret(SandboxVault.DefaultMount, SandboxVault.DemoSecretPath, new Dictionary<string, string> { [SandboxVault.DemoSecretKey] = "rotated-but-not-yet-at-the-server" });
        _time.Advance(new SecretSourceOptions().CacheDuration + TimeSpan.FromSeconds(1));
        var afterRotation = await tokens.GetTokenAsync(TestContext.Current.CancellationToken);

        // The new value was read (version 2) and sent: the sandbox refuses it, and a fresh read finds nothing newer.
        Assert.Equal("invalid_client", afterRotation.Error?.Error);
        Assert.Equal(reads + 2, Sandbox.Vault.Reads);
    }

    [Fact]
    public async Task A_sealed_vault_fails_at_the_secret_source_stage_naming_the_vault_and_the_reference()
    {
        var credential = await CreateAsync(VaultReference);
        Sandbox.Vault.Unavailable = true;

        var validation = await ValidateAsync(credential);

        Assert.Equal("secret_source", validation.Failure?.Stage);
        Assert.Contains($"the Vault \"sandbox\" at {Sandbox.Vault.Address.GetLeftPart(UriPartial.Authority)} answered HTTP 503 to the read of {VaultReference} (sealed or in standby)", validation.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vault://wrong/secret/credo/sandbox-client#client_secret", "refused to let Credo read", "capabilities = [\"read\"]")]
    [InlineData("vault://sandbox/secret/credo/nothing-here#client_secret", "has no secret credo/nothing-here in the mount secret", "write the secret there")]
    [InlineData("vault://sandbox/secret/credo/sandbox-client#no_such_key", "has no text key \"no_such_key\"", "add that key")]
    [InlineData("keyvault://sandbox/no-such-secret", "has no secret no-such-secret", "add it to the vault")]
    [InlineData("keyvault://untrusted/sandbox-client-secret", "could not be reached", "TLS certificate")]
    public async Task Each_failure_has_its_own_message_and_hint(string reference, string message, string hint)
    {
        var credential = await CreateAsync(reference);

        var validation = await ValidateAsync(credential);

        Assert.Equal("secret_source", validation.Failure?.Stage);
        Assert.Contains(message, validation.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains(reference, validation.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(hint, validation.Failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxClient.Default().ClientSecret, validation.Summary, StringComparison.Ordinal);
    }

    private static CredentialInput Input(string? reference) => new()
    {
        Name = "From a vault",
        ClientId = SandboxClient.Default().ClientId,
        SecretReference = reference,
        TokenEndpoint = "",
        Scopes = SandboxClient.ExchangeOnlineScope,
    };

    private async Task<Credential> CreateAsync(string reference)
    {
        var input = Input(reference);
        input.TokenEndpoint = Sandbox.TokenEndpoint.ToString();
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(input, "tests", TestContext.Current.CancellationToken);
        Assert.True(change.Status == ChangeStatus.Done, string.Join(" ", change.Errors.Values));
        return change.Value!;
    }

    private async Task<CredentialValidation> ValidateAsync(Credential credential)
    {
        var input = Input(null);
        input.TokenEndpoint = credential.TokenEndpoint;
        await using var scope = Core.Scope();
        return await Core.Get<CredentialValidator>(scope).ValidateAsync(input, credential.Id, "tests", TestContext.Current.CancellationToken);
    }

    private async Task<IAccessTokenSource> SourceAsync(Credential credential)
    {
        await using var scope = Core.Scope();
        var sources = new CredentialTokenSources(Core.Get<ITokenCache>(scope), Core.Get<SecretSources>(scope));
        return (await sources.GetAsync(credential.Id, credential.Version, Core.Get<CredentialStore>(scope), Core.Get<CredentialSecrets>(scope), TestContext.Current.CancellationToken))!.Source;
    }
}
