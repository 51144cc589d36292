using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Credo.Net;
using Credo.OAuth;
using Credo.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// 10,000 concurrent callers on a cold key against the sandbox's OpenIddict server on loopback: the time until every
/// caller holds a token, and how many token requests that took (column TokenRequests; it must be 1).
/// </summary>
[Config(typeof(Config))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10, invocationCount: 1)]
public class StampedeBenchmarks
{
    private const int Callers = 10_000;
    private SandboxServer _sandbox = null!;
    private ServiceProvider _services = null!;
    private ITokenCache _cache = null!;
    private ClientCredentials _credentials = null!;
    private long _version;
    private CountingHandler _counter = null!;

    internal static readonly List<double> RequestsPerOperation = [];

    private static string RequestsFile => Path.Combine(Path.GetTempPath(), "credo-stampede-requests.txt");

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 });
        _counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddCredoOAuth();
        services.AddHttpClient("Credo.OAuth.Token").AddHttpMessageHandler(() => _counter);
        _services = services.BuildServiceProvider();
        _cache = _services.GetRequiredService<ITokenCache>();
        var client = SandboxClient.Default();
        _credentials = new ClientCredentials(_sandbox.TokenEndpoint, client.ClientId, new Secret(client.ClientSecret), ScopeSet.Parse(SandboxClient.ExchangeOnlineScope));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
        File.WriteAllText(RequestsFile, string.Join(",", RequestsPerOperation));
    }

    [Benchmark]
    public async Task<int> TenThousandCallersOnAColdKey()
    {
        // A new credential version each time: a cold key.
        var key = TokenCacheKey.For("stampede", Interlocked.Increment(ref _version), _credentials);
        var before = _counter.Requests;
        var calls = new Task<Result<AccessToken, TokenFailure>>[Callers];
        for (var i = 0; i < Callers; i++)
        {
            calls[i] = Task.Run(() => _cache.GetTokenAsync(key, _credentials).AsTask());
        }

        var results = await Task.WhenAll(calls);
        var requests = _counter.Requests - before;
        RequestsPerOperation.Add(requests);
        return results.Count(r => r.Succeeded) == Callers && requests == 1 ? requests : throw new InvalidOperationException($"{requests} token requests for {Callers} callers.");
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ComputedColumn("TokenRequests", "Token requests sent per 10,000 concurrent callers (each operation throws unless it is 1)", (_, _) =>
            File.Exists(RequestsFile) ? string.Join("/", File.ReadAllText(RequestsFile).Split(',').Distinct()) : "?"));
    }
}
