using System.Net;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Hosting;

/// <summary><c>Credo:Metrics:RequireApiKey=false</c> opens <c>/metrics</c> to scrapers without a key, for a private network.</summary>
public sealed class OpenMetricsTests(OpenMetricsTests.OpenMetricsServer server) : IClassFixture<OpenMetricsTests.OpenMetricsServer>
{
    [Fact]
    public async Task Metrics_without_an_api_key_are_served_when_opened()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("credo_listeners{", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public sealed class OpenMetricsServer : CredoServerFixture
    {
        protected override string[] ExtraArguments => ["--Credo:Metrics:RequireApiKey=false"];
    }
}
