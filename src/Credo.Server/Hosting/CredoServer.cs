using Credo.Server.Api;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Credo.Server.Hosting;

/// <summary>Composes the Credo server: database, console, API, health.</summary>
internal static class CredoServer
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Builds the server; <paramref name="configure"/> lets tests add to the builder (log capture) before it is built.</summary>
    public static WebApplication Build(ServeSettings settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings.ConfigurationArgs,
            ApplicationName = typeof(CredoServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.WebHost.UseUrls(settings.Urls ?? builder.Configuration["urls"] ?? DefaultUrls);

        var data = DataFolder.Resolve(settings.DataFolder);
        var services = builder.Services;
        services.AddCredo(builder.Configuration, data);
        services.AddHostedService<DatabaseInitializer>();
        services.AddCredoListeners();
        services.AddHostedService<Credo.Core.Credentials.Internal.CredentialExpiryWatch>();
        services.AddOptions<Credo.Core.Listeners.Engine.ListenerOptions>().Bind(builder.Configuration.GetSection(Credo.Core.Listeners.Engine.ListenerOptions.SectionName));
        services.AddCredoRetention();
        services.AddOptions<Credo.Core.Retention.RetentionOptions>().Bind(builder.Configuration.GetSection(Credo.Core.Retention.RetentionOptions.SectionName));
        services.AddOptions<Credo.Ews.EwsOptions>().Bind(builder.Configuration.GetSection(Credo.Ews.EwsOptions.SectionName));
        services.AddOptions<Credo.Graph.GraphOptions>().Bind(builder.Configuration.GetSection(Credo.Graph.GraphOptions.SectionName));
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        AddConsole(services);
        services.AddConsoleSessions(builder.Configuration);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            // The generator fills "servers" from the request's Host header; clients resolve against where they fetched it.
            document.Servers = [];
            return Task.CompletedTask;
        }));
        services.AddRelativeCookieRedirects(CredoPolicies.CookieScheme);
        var forwarded = services.AddCredoForwardedHeaders(builder.Configuration);
        if (settings.Demo)
        {
            services.AddSingleton<DemoSandboxService>();
            services.AddHostedService(sp => sp.GetRequiredService<DemoSandboxService>());
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        Log.DataFolder(app.Logger, data.Path);
        if (forwarded.Enabled)
        {
            app.UseForwardedHeaders();
        }

        // Only over https, and never for localhost/loopback hosts (HstsOptions.ExcludedHosts).
        app.UseHsts();
        app.UseSecurityHeaders();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        // Liveness answers without touching dependencies; readiness runs the checks tagged "ready".
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapGet("/", () => Results.Redirect("/Administration/GlobalSettings/Credentials"));
        app.MapRazorPages();
        app.MapCredentialsApi();
        app.MapListenersApi();
        app.MapGet("/Administration/Integrations/EmailListeners/{id:guid}/Messages/{messageId:guid}/eml", DownloadEmlAsync)
            .RequireAuthorization(CredoPolicies.Viewer).NoStore();

        // Anonymous on purpose: the document describes the API's shape, the same in every installation, never data.
        app.MapOpenApi();
        return app;
    }

    private static async Task<IResult> DownloadEmlAsync(
        Guid id, Guid messageId, Credo.Core.Listeners.ListenerService listeners, IOptionsMonitor<Credo.Core.Retention.RetentionOptions> retention, CancellationToken cancellationToken)
    {
        if (await listeners.MessageAsync(messageId, cancellationToken) is not { } message || message.ListenerId != id)
        {
            return Results.NotFound();
        }

        return message.ContentExpired && await listeners.FindAsync(id.ToString(), cancellationToken) is { } listener
            ? Results.Text(Credo.Core.Retention.ContentExpiry.Describe(message, listener, retention.CurrentValue), "text/plain", System.Text.Encoding.UTF8, StatusCodes.Status410Gone)
            : Results.File(message.Mime, "message/rfc822", $"{messageId}.eml");
    }

    private static void AddConsole(IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Administration", CredoPolicies.Viewer);
            options.Conventions.AuthorizePage("/Administration/GlobalSettings/Credentials/Add", CredoPolicies.Administrator);
            options.Conventions.AuthorizePage("/Administration/GlobalSettings/Credentials/Edit", CredoPolicies.Administrator);
            options.Conventions.AuthorizePage("/Administration/GlobalSettings/Credentials/Delete", CredoPolicies.Administrator);
            options.Conventions.AuthorizePage("/Administration/ApiKeys", CredoPolicies.Administrator);
            options.Conventions.AuthorizePage("/Administration/Integrations/EmailListeners/Add", CredoPolicies.Administrator);
            options.Conventions.AuthorizePage("/Administration/Integrations/EmailListeners/Edit", CredoPolicies.Administrator);
            options.Conventions.AuthorizePage("/Administration/Integrations/EmailListeners/Delete", CredoPolicies.Administrator);
        });
        services.AddAuthentication(CredoPolicies.CookieScheme)
            .AddCookie(CredoPolicies.CookieScheme, cookie =>
            {
                cookie.LoginPath = "/Account/Login";
                cookie.LogoutPath = "/Account/Logout";
                cookie.AccessDeniedPath = "/Account/AccessDenied";
                cookie.Cookie.Name = "credo.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = SecurityStampValidator.ValidateAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(CredoPolicies.ApiKeyScheme, null);
        services.AddAuthorization(CredoPolicies.Add);
        services.AddMemoryCache();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "credo.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
    }
}
