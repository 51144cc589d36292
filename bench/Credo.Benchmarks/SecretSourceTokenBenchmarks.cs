using BenchmarkDotNet.Attributes;
using Credo.Core.Credentials;
using Credo.Core.Listeners.Engine;
using Credo.Core.Secrets;
using Credo.Net.Outbound;
using Credo.OAuth;
using Credo.Sandbox;
using Credo.Sandbox.Vaults.HashiCorp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Benchmarks;

/// <summary>
/// What a Secret Reference adds to getting a token, side by side with a stored secret, against the sandbox's
/// OpenIddict and its Vault on loopback: a token request with the secret in memory (stored, or read through a
/// reference within the cache duration) and with the reference read from the vault first; and a cached token through
/// the listeners' token source, stored or referenced.
/// </summary>
[MemoryDiagnoser]
public class SecretSourceTokenBenchmarks
{
    private const string Reference = $"vault://sandbox/{SandboxVault.DefaultMount}/{SandboxVault.DemoSecretPath}#{SandboxVault.DemoSecretKey}";
    private SandboxServer _sandbox = null!;
    private ServiceProvider _services = null!;
    private SecretSources _sources = null!;
    private SecretReference _reference = null!;
    private ITokenClient _client = null!;
    private ClientCredentials _stored = null!;
    private Credential _credential = null!;
    private CachedAccessTokenSource _storedSource = null!;
    private ReferencedTokenSource _referencedSource = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoOAuth();
        services.Configure<SecretSourceOptions>(o => o.Vault["sandbox"] = new VaultSourceOptions { Address = _sandbox.Vault.Address, Token = _sandbox.Vault.RootToken });
        _services = services.BuildServiceProvider();
        var guard = _services.GetRequiredService<OutboundGuard>();
        _sources = new SecretSources(
            _services.GetRequiredService<IOptionsMonitor<SecretSourceOptions>>(), new VaultSecretReader(guard, TimeProvider.System), new KeyVaultSecretReader(guard), TimeProvider.System);
        _client = _services.GetRequiredService<ITokenClient>();
        _reference = SecretReference.TryParse(Reference, out var reference, out var error) ? reference : throw new InvalidOperationException(error);

        var client = SandboxClient.Default();
        _stored = new ClientCredentials(_sandbox.TokenEndpoint, client.ClientId, new Secret(client.ClientSecret), ScopeSet.Parse(SandboxClient.ExchangeOnlineScope));
        _credential = new Credential
        {
            Id = Guid.NewGuid(), Name = "bench", ClientId = client.ClientId, SecretReference = Reference, TokenEndpoint = _sandbox.TokenEndpoint.ToString(),
            Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = "127.0.0.1", Version = 1,
        };
        var cache = _services.GetRequiredService<ITokenCache>();
        _storedSource = new CachedAccessTokenSource(cache, Guid.NewGuid().ToString(), 1, _stored);
        _referencedSource = new ReferencedTokenSource(cache, _credential, _reference, _sources);
        await _storedSource.GetTokenAsync(CancellationToken.None);
        await _referencedSource.GetTokenAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _sources.Dispose();
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    /// <summary>A token request with a stored secret.</summary>
    [Benchmark(Baseline = true)]
    public async Task<string> TokenRequest_StoredSecret() => (await _client.RequestTokenAsync(_stored)).Value!.Value;

    /// <summary>A token request with a referenced secret read within the cache duration (in memory).</summary>
    [Benchmark]
    public async Task<string> TokenRequest_VaultReference_Cached() => (await RequestAsync(fresh: false)).Value!.Value;

    /// <summary>A token request with a referenced secret read from the vault first.</summary>
    [Benchmark]
    public async Task<string> TokenRequest_VaultReference_Uncached() => (await RequestAsync(fresh: true)).Value!.Value;

    /// <summary>A cached token, as an idle poll gets it, with a stored secret.</summary>
    [Benchmark]
    public async Task<string> CachedToken_StoredSecret() => (await _storedSource.GetTokenAsync(CancellationToken.None)).Value!.Value;

    /// <summary>A cached token, as an idle poll gets it, with a referenced secret within the cache duration.</summary>
    [Benchmark]
    public async Task<string> CachedToken_VaultReference() => (await _referencedSource.GetTokenAsync(CancellationToken.None)).Value!.Value;

    private async Task<Credo.Net.Result<AccessToken, TokenFailure>> RequestAsync(bool fresh)
    {
        var read = await _sources.ReadAsync(_reference, fresh, CancellationToken.None);
        var credentials = CredentialSecrets.With(read.Value!, CredentialType.OAuth2ClientCredentials, _sandbox.TokenEndpoint, _credential.ClientId,
            ScopeSet.Parse(_credential.Scopes), ClientAuthenticationMethod.ClientSecretBasic, null);
        return await _client.RequestTokenAsync(credentials.Value!);
    }
}
