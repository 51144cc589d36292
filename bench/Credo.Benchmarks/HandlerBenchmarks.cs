using BenchmarkDotNet.Attributes;
using Credo.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// Requests to a loopback Kestrel endpoint through <c>HttpClient</c> + <see cref="AccessTokenHandler"/> (token from the
/// cache) against the same client with a fixed Authorization header: the cost the handler adds to a call.
/// </summary>
[MemoryDiagnoser]
public class HandlerBenchmarks
{
    private WebApplication _server = null!;
    private ServiceProvider _services = null!;
    private HttpClient _withHandler = null!;
    private HttpClient _fixedHeader = null!;
    private Uri _url = null!;
    private CachedAccessTokenSource _source = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.Run(context => context.Response.WriteAsync("ok"));
        await _server.StartAsync();
        _url = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/ews");

        var handler = new InMemoryHandler();
        var services = new ServiceCollection();
        services.AddCredoOAuth();
        services.AddHttpClient("Credo.OAuth.Token").ConfigurePrimaryHttpMessageHandler(() => handler);
        services.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler();
        services.AddCredoOutboundHttpClient("plain");
        _services = services.BuildServiceProvider();
        var credentials = new ClientCredentials(new Uri("https://login.example.com/token"), "client", new Secret("secret"), ScopeSet.Parse("api"));
        _source = new CachedAccessTokenSource(_services.GetRequiredService<ITokenCache>(), "credential", 1, credentials);
        await _source.GetTokenAsync(CancellationToken.None);
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _withHandler = factory.CreateClient("resource");
        _fixedHeader = factory.CreateClient("plain");
        _fixedHeader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJhdWQiOiJhcGkifQ.c2ln");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> FixedHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        using var response = await _fixedHeader.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Benchmark]
    public async Task<int> AccessTokenHandler()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Options.Set(Credo.OAuth.AccessTokenHandler.TokenSource, _source);
        using var response = await _withHandler.SendAsync(request);
        return (int)response.StatusCode;
    }
}
