using Credo.Server.Tests.Listeners;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Credo.Server.Tests.Hosting;

/// <summary>The listener server with every finished span captured by OpenTelemetry's in-memory exporter.</summary>
public sealed class TelemetryServerFixture : ListenerServerFixture
{
    private string? _scrapeKey;

    public SpanCollection Spans { get; } = new();

    protected override void ConfigureServer(WebApplicationBuilder builder) =>
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));

    /// <summary>
    /// GETs <c>/metrics</c> as Prometheus does (no Accept header: the classic text format), with a Viewer key as its
    /// <c>authorization.credentials_file</c> sends it (<c>/metrics</c> needs a key by default).
    /// </summary>
    public async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        _scrapeKey ??= await CreateApiKeyAsync(Credo.Core.Users.UserRole.Viewer);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _scrapeKey);
        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
