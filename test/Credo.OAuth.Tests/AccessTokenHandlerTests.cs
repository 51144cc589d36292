using System.Net;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.OAuth.Tests;

public sealed class AccessTokenHandlerTests
{
    [Fact]
    public async Task Bearer_token_is_added_and_a_success_is_not_retried()
    {
        await using var fixture = await Fixture.StartAsync(_ => 200);

        using var response = await fixture.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer token-1"], fixture.SeenAuthorizations);
        Assert.Equal(1, fixture.Tokens.Requests);
    }

    [Fact]
    public async Task Unauthorized_renews_the_token_and_retries_once()
    {
        await using var fixture = await Fixture.StartAsync(authorization => authorization == "Bearer token-1" ? 401 : 200);

        using var response = await fixture.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], fixture.SeenAuthorizations);
        Assert.Equal(2, fixture.Tokens.Requests);
        Assert.Equal("POST body", fixture.SeenBodies[1]);
    }

    [Fact]
    public async Task Persisting_unauthorized_is_retried_exactly_once_and_returned()
    {
        await using var fixture = await Fixture.StartAsync(_ => 401);

        using var response = await fixture.SendAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, fixture.SeenAuthorizations.Count);
        Assert.Equal(2, fixture.Tokens.Requests);
    }

    [Fact]
    public async Task No_token_means_no_request_and_a_typed_exception()
    {
        await using var fixture = await Fixture.StartAsync(_ => 200);
        fixture.Tokens.Failure = _ => (500, null);

        var error = await Assert.ThrowsAsync<AccessTokenUnavailableException>(() => fixture.SendAsync());

        Assert.Equal("temporarily_unavailable", error.Failure.Error);
        Assert.Empty(fixture.SeenAuthorizations);
    }

    [Fact]
    public async Task A_destination_outside_the_resource_hosts_gets_no_token_and_no_request()
    {
        await using var fixture = await Fixture.StartAsync(_ => 200);

        var error = await Assert.ThrowsAsync<AccessTokenUnavailableException>(() => fixture.SendAsync(ResourceHosts.Parse("outlook.office365.com")));

        Assert.Equal(TokenFailureKind.Blocked, error.Failure.Kind);
        Assert.Contains("not among its Resource Hosts (outlook.office365.com)", error.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(fixture.SeenAuthorizations);
        Assert.Equal(0, fixture.Tokens.Requests);
    }

    [Fact]
    public async Task A_destination_among_the_resource_hosts_gets_its_token()
    {
        await using var fixture = await Fixture.StartAsync(_ => 200);

        using var response = await fixture.SendAsync(ResourceHosts.Parse("127.0.0.1"));

        Assert.Equal(["Bearer token-1"], fixture.SeenAuthorizations);
    }

    [Fact]
    public async Task Request_without_a_token_source_is_a_bug_and_throws()
    {
        await using var fixture = await Fixture.StartAsync(_ => 200);
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Resource.Url("ews"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Client.SendAsync(request, TestContext.Current.CancellationToken));
    }

    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(TokenEndpoint tokens, LoopbackServer resource, ServiceProvider services)
        {
            Tokens = tokens;
            Resource = resource;
            Services = services;
            Client = services.GetRequiredService<IHttpClientFactory>().CreateClient("resource");
        }

        public TokenEndpoint Tokens { get; }

        public LoopbackServer Resource { get; }

        public ServiceProvider Services { get; }

        public HttpClient Client { get; }

        public List<string> SeenAuthorizations { get; } = [];

        public List<string> SeenBodies { get; } = [];

        public static async Task<Fixture> StartAsync(Func<string, int> status)
        {
            Fixture? fixture = null;
            var tokens = await TokenEndpoint.StartAsync();
            var resource = await LoopbackServer.StartAsync(async (context, _) =>
            {
                var authorization = context.Request.Headers.Authorization.ToString();
                fixture!.SeenAuthorizations.Add(authorization);
                fixture.SeenBodies.Add(await new StreamReader(context.Request.Body).ReadToEndAsync());
                context.Response.StatusCode = status(authorization);
                if (context.Response.StatusCode == 401)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                }
            });
            var services = OAuthServices.Create(s => s.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler());
            fixture = new Fixture(tokens, resource, services);
            return fixture;
        }

        public async Task<HttpResponseMessage> SendAsync(ResourceHosts? hosts = null)
        {
            var credentials = Tokens.Credentials();
            var source = new CachedAccessTokenSource(Services.GetRequiredService<ITokenCache>(), "credential", 1, credentials, hosts);
            using var request = new HttpRequestMessage(HttpMethod.Post, Resource.Url("ews")) { Content = new StringContent("POST body") };
            request.Options.Set(AccessTokenHandler.TokenSource, source);
            return await Client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            await Resource.DisposeAsync();
            await Tokens.DisposeAsync();
        }
    }
}
