using System.Runtime.CompilerServices;
using Credo.Server.Api;
using Credo.Server.Hooks;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Credo.Server.Hosting;

/// <summary>Composes the Credo server: database, console, API, health, telemetry.</summary>
internal static class CredoServer
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Builds the server; <paramref name="configure"/> lets tests add to the builder (log capture) before it is built.</summary>
    public static WebApplication Build(ServeSettings settings, Action<WebApplicationBuilder>? configure = null) =>
        TryBuild(settings, configure, out var cannotListen) ?? throw new InvalidOperationException(cannotListen);

    /// <summary>
    /// Builds the server, unless an address of <c>--urls</c> cannot be bound (then nothing is created: no data folder, no
    /// log line) or another server holds the data folder (then nothing in it is changed); <paramref name="cannotListen"/>
    /// says what is in the way and what to do.
    /// </summary>
    public static WebApplication? TryBuild(ServeSettings settings, Action<WebApplicationBuilder>? configure, out string? cannotListen)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings.ConfigurationArgs,
            ApplicationName = typeof(CredoServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var urls = Urls(settings, builder.Configuration);
        var pushing = false;
        if ((ListenAddresses.Problem(urls) ?? PublicAddress.Configure(builder.Services, builder.Configuration, settings.Demo, out pushing)) is { } problem)
        {
            cannotListen = problem;
            return null;
        }

        builder.WebHost.UseUrls(urls);
        var data = DataFolder.Resolve(settings.DataFolder);
        if (DataFolderLock.TryAcquire(data, out var inUse) is not { } folderLock)
        {
            cannotListen = inUse;
            return null;
        }

        cannotListen = null;
        var keysInFolder = KeysInFolder(builder.Configuration[$"{Core.Persistence.DatabaseOptions.SectionName}:Provider"]);
        QuietenStart(builder.Logging, keysInFolder, out var started);
        var services = builder.Services;

        // Held until the server is disposed (the container disposes what a factory made).
        services.AddSingleton(_ => folderLock);
        services.AddCredo(builder.Configuration, data);
        services.AddHostedService<DatabaseInitializer>();
        services.AddCredoListeners();
        services.AddGraphHooks();
        services.AddCredoExpiryWatch();
        services.AddOptions<Credo.Core.Listeners.Engine.ListenerOptions>().Bind(builder.Configuration.GetSection(Credo.Core.Listeners.Engine.ListenerOptions.SectionName));
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{Credo.Core.Listeners.Engine.ListenerOptions.SectionName}:NodeName"]))
        {
            var node = data.NodeName();
            services.PostConfigure<Credo.Core.Listeners.Engine.ListenerOptions>(o => o.NodeName = node);
        }

        services.AddOptions<Credo.Core.Webhooks.WebhookOptions>().Bind(builder.Configuration.GetSection(Credo.Core.Webhooks.WebhookOptions.SectionName));
        services.AddCredoRetention();
        services.AddOptions<Credo.Core.Retention.RetentionOptions>().Bind(builder.Configuration.GetSection(Credo.Core.Retention.RetentionOptions.SectionName));
        services.AddOptions<Credo.Ews.EwsOptions>().Bind(builder.Configuration.GetSection(Credo.Ews.EwsOptions.SectionName));
        services.AddOptions<Credo.Graph.GraphOptions>().Bind(builder.Configuration.GetSection(Credo.Graph.GraphOptions.SectionName));
        services.AddCredoTelemetry(builder.Configuration);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        AddConsole(services);
        services.AddConsoleSessions(builder.Configuration);
        services.AddValidateRateLimit(builder.Configuration);
        services.AddProblemDetails();
        services.AddUnreadableBodyAnswers();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddCredoOpenApi();
        services.AddRelativeCookieRedirects(CredoPolicies.CookieScheme);
        var forwarded = services.AddCredoForwardedHeaders(builder.Configuration);
        if (settings.Demo)
        {
            services.AddSingleton<DemoSandboxService>();
            services.AddHostedService(sp => sp.GetRequiredService<DemoSandboxService>());
            services.AddOptions<Core.Secrets.SecretSourceOptions>().PostConfigure<DemoSandboxService>((sources, demo) => demo.AddSecretSources(sources));
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        _ = app.Services.GetRequiredService<DataFolderLock>();
        app.Lifetime.ApplicationStarted.Register(() => started.Value = true);
        if (settings.Demo)
        {
            PublicAddress.UseOwnAddressWhenStarted(app);
        }

        if (keysInFolder)
        {
            Log.DataFolderWithKeys(app.Logger, data.Path, data.KeysFolder);
        }
        else
        {
            Log.DataFolder(app.Logger, data.Path);
        }

        if (forwarded.Enabled)
        {
            app.UseForwardedHeaders();
        }

        // Only over https, and never for localhost/loopback hosts (HstsOptions.ExcludedHosts).
        app.UseHsts();
        app.UseSecurityHeaders();
        app.UseApiReferencePage();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseUnreadableBodyAnswers();

        // Liveness answers without touching dependencies; readiness runs the checks tagged "ready".
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapCredoMetrics(builder.Configuration);
        app.MapGet("/", () => Results.Redirect("/Administration/Integrations/EmailListeners")).ExcludeFromDescription();
        app.MapRazorPages();
        app.MapCredentialsApi();
        app.MapListenersApi();
        if (pushing)
        {
            // Only where Graph is told to post: without Credo:PublicUrl (or the demo's own address) nothing subscribes.
            app.MapGraphHooks();
        }
        app.MapGet("/Administration/Integrations/EmailListeners/{id:guid}/Messages/{messageId:guid}/eml", DownloadEmlAsync)
            .RequireAuthorization(CredoPolicies.Viewer).NoStore().ExcludeFromDescription();

        // Anonymous on purpose: the document describes the API's shape, the same in every installation, never data.
        app.MapOpenApi();
        return app;
    }

    /// <summary>The addresses to listen on: <c>--urls</c>, else the <c>urls</c> setting (<c>ASPNETCORE_URLS</c>), else <see cref="DefaultUrls"/>.</summary>
    public static string Urls(ServeSettings settings, IConfiguration configuration) =>
        settings.Urls ?? configuration["urls"] ?? DefaultUrls;

    // Data Protection warns on every new key that it "may be persisted to storage in unencrypted form": with the key
    // ring in the data folder on Unix that folder is 0700 (DataFolder), which is the protection, so the warning gives
    // way to one line of Credo's that says where the keys are and why. On Windows, or with the keys in PostgreSQL,
    // the warning stays.
    private static bool KeysInFolder(string? databaseProvider) =>
        !OperatingSystem.IsWindows()
        && !string.Equals(databaseProvider, nameof(Core.Persistence.DatabaseProvider.PostgreSql), StringComparison.OrdinalIgnoreCase);

    private static void QuietenStart(ILoggingBuilder logging, bool keysInFolder, out StrongBox<bool> started)
    {
        if (keysInFolder)
        {
            logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        }

        // One line per entry keeps the start short; configuration can still choose another formatter (json, systemd).
        // Without a formatter name the console logger takes the legacy path, which rebuilds the options and drops SingleLine.
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console =>
            console.FormatterName ??= Microsoft.Extensions.Logging.Console.ConsoleFormatterNames.Simple);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(console => console.SingleLine = true);

        // SQLite rebuilds a table outside the transaction in some migrations, and EF says so at each first start;
        // CredoDatabase logs which migrations it applies.
        logging.AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Error);

        // A failed start (a port taken between the check and Kestrel's bind, say) is reported once by whoever
        // started the host, without the host's own copy of the stack trace; after the start the host logs as ever.
        var flag = new StrongBox<bool>();
        logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (flag.Value || level < LogLevel.Error));
        started = flag;
    }

    private static async Task<IResult> DownloadEmlAsync(
        Guid id, Guid messageId, Credo.Core.Messages.MessageService messages, Credo.Core.Listeners.ListenerService listeners, IOptionsMonitor<Credo.Core.Retention.RetentionOptions> retention, CancellationToken cancellationToken)
    {
        if (await messages.FindAsync(messageId, cancellationToken) is not { } message || message.ListenerId != id)
        {
            return Results.NotFound();
        }

        return message.ContentExpired && await listeners.FindAsync(id.ToString(), cancellationToken) is { } listener
            ? Results.Text(Credo.Core.Retention.ContentExpiry.Describe(message, listener, retention.CurrentValue), "text/plain", System.Text.Encoding.UTF8, StatusCodes.Status410Gone)
            : Results.File(message.Mime, "message/rfc822", Credo.Core.Text.DownloadName.For(message.Subject, ".eml", messageId.ToString()));
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
