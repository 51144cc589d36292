using Credo.Server.Tests.Listeners;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Credo.Server.Tests.Hosting;

/// <summary>The listener server with every finished span captured by OpenTelemetry's in-memory exporter.</summary>
public sealed class TelemetryServerFixture : ListenerServerFixture
{
    public SpanCollection Spans { get; } = new();

    protected override void ConfigureServer(WebApplicationBuilder builder) =>
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));

    /// <summary>GETs <c>/metrics</c> as Prometheus does (no Accept header: the classic text format).</summary>
    public async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
