using Credo.Server.Security;
using Microsoft.AspNetCore.Authorization;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Credo.Server.Hosting;

/// <summary>
/// OpenTelemetry for the server: every <c>Credo.*</c> meter at <c>/metrics</c> (Prometheus text format); traces of
/// the <c>Credo.*</c> sources, incoming requests and outgoing HTTP requests; and everything over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard variables configure the rest). docs/operations.md lists the
/// figures and spans.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddCredoTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service instead.
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService("credo", serviceVersion: typeof(TelemetryServiceCollectionExtensions).Assembly.GetName().Version?.ToString());
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter("Credo.*")
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource("Credo.*")
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsPlumbing(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddProcessor<TelemetryRedaction>());
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>Maps <c>/metrics</c>: for API keys only (any role), or anonymous with <c>Credo:Metrics:RequireApiKey=false</c>.</summary>
    public static IEndpointRouteBuilder MapCredoMetrics(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var settings = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsOptions.Path);
        if (settings.RequireApiKey)
        {
            endpoint.RequireAuthorization(new AuthorizeAttribute(CredoPolicies.Viewer) { AuthenticationSchemes = CredoPolicies.ApiKeyScheme });
        }
        else
        {
            endpoint.AllowAnonymous();
        }

        return app;
    }

    // Scrapes and probes every few seconds would bury the traces that matter.
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments(MetricsOptions.Path) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
