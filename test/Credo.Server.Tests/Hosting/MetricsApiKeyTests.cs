using System.Net;
using System.Net.Http.Headers;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Hosting;

/// <summary>By default (<c>Credo:Metrics:RequireApiKey</c> unset, meaning true) <c>/metrics</c> answers API keys only; a Viewer key is enough.</summary>
public sealed class MetricsApiKeyTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>
{
    [Fact]
    public async Task Metrics_without_an_api_key_are_refused()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("credo_", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_with_a_revoked_or_unknown_key_are_refused()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "credo_not-a-key");

        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-Api-Key")]
    public async Task Metrics_with_a_viewer_api_key_are_served(string header)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var key = await server.CreateApiKeyAsync(UserRole.Viewer);
        http.DefaultRequestHeaders.Add(header, header == "Authorization" ? "Bearer " + key : key);

        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("credo_listeners{", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
