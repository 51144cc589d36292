using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Credo.Server.Hosting;

/// <summary>Composes the Credo server.</summary>
internal static class CredoServer
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static WebApplication Build(ServeSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings.ConfigurationArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(settings.Urls ?? builder.Configuration["urls"] ?? DefaultUrls);

        var data = DataFolder.Resolve(settings.DataFolder);
        builder.Services.AddSingleton(data);
        builder.Services.AddCredo(builder.Configuration);
        builder.Services.AddHealthChecks();
        if (settings.Demo)
        {
            builder.Services.AddSingleton<DemoSandboxService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSandboxService>());
        }

        var app = builder.Build();
        Log.DataFolder(app.Logger, data.Path);

        // Liveness answers without touching dependencies; readiness runs the checks tagged "ready".
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapGet("/", () => Results.Text("Credo is running. Health: /healthz, readiness: /readyz.\n"));
        return app;
    }
}
