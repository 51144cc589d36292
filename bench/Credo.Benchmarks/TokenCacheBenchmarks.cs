using System.ComponentModel;
using BenchmarkDotNet.Attributes;
using Credo.OAuth;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Client;
using ITokenCache = Credo.OAuth.ITokenCache;

namespace Credo.Benchmarks;

/// <summary>
/// A cached token through each library's public API: Credo's token cache, MSAL.NET's confidential client
/// (generic OIDC authority, HTTP answered from memory, measured after the first fill) and HybridCache.
/// </summary>
[MemoryDiagnoser]
public class TokenCacheBenchmarks
{
    private ITokenCache _credo = null!;
    private CachedAccessTokenSource _source = null!;
    private TokenCacheKey _key;
    private ClientCredentials _credentials = null!;
    private IConfidentialClientApplication _msal = null!;
    private HybridCache _hybrid = null!;
    private ServiceProvider _services = null!;
    private readonly string[] _scopes = ["api://resource/.default"];
    private static readonly Func<CancellationToken, ValueTask<CachedToken>> Factory = _ => ValueTask.FromResult(new CachedToken("token", DateTimeOffset.MaxValue));

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var handler = new InMemoryHandler();
        var services = new ServiceCollection();
        services.AddCredoOAuth();
        services.AddHttpClient("Credo.OAuth.Token").ConfigurePrimaryHttpMessageHandler(() => handler);
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
        _credo = _services.GetRequiredService<ITokenCache>();
        _credentials = new ClientCredentials(new Uri("https://login.example.com/tenant/oauth2/v2.0/token"), "client", new Secret("secret"), ScopeSet.Parse(_scopes[0]));
        _key = TokenCacheKey.For("credential", 1, _credentials);
        await _credo.GetTokenAsync(_key, _credentials);
        _source = new CachedAccessTokenSource(_credo, "credential", 1, _credentials);
        await _source.GetTokenAsync(CancellationToken.None);

        _msal = ConfidentialClientApplicationBuilder.Create("client")
            .WithClientSecret("secret")
            .WithOidcAuthority("https://login.example.com/tenant")
            .WithHttpClientFactory(new MsalFactory(handler))
            .Build();
        await _msal.AcquireTokenForClient(_scopes).ExecuteAsync();

        _hybrid = _services.GetRequiredService<HybridCache>();
        await _hybrid.GetOrCreateAsync("credential:1:api", Factory);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>How the handler and the listeners get tokens: a <see cref="CachedAccessTokenSource"/> per credential.</summary>
    [Benchmark(Baseline = true)]
    public async ValueTask<string> Credo_CachedToken() => (await _source.GetTokenAsync(CancellationToken.None)).Value!.Value;

    /// <summary>The cache looked up by key on every call.</summary>
    [Benchmark]
    public async ValueTask<string> Credo_TokenCache_ByKey() => (await _credo.GetTokenAsync(_key, _credentials)).Value!.Value;

    [Benchmark]
    public async Task<string> Msal_AcquireTokenForClient_CacheHit() => (await _msal.AcquireTokenForClient(_scopes).ExecuteAsync()).AccessToken;

    [Benchmark]
    public async ValueTask<string> HybridCache_GetOrCreate_Hit() => (await _hybrid.GetOrCreateAsync("credential:1:api", Factory)).Value;

    /// <summary>Immutable, so HybridCache hands out the cached instance without copying it.</summary>
    [ImmutableObject(true)]
    public sealed record CachedToken(string Value, DateTimeOffset ExpiresAt);

    private sealed class MsalFactory(HttpMessageHandler handler) : IMsalHttpClientFactory
    {
        private readonly HttpClient _client = new(handler, disposeHandler: false);

        public HttpClient GetHttpClient() => _client;
    }
}
