using System.Net.Security;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Graph;
using Credo.Sandbox.Graph.Subscriptions;
using Credo.Sandbox.Internal;
using Credo.Sandbox.Vaults.HashiCorp;
using Credo.Sandbox.Vaults.KeyVault;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Credo.Sandbox;

/// <summary>
/// The sandbox on Kestrel: an OpenIddict authorization server with the client credentials grant, client
/// authentication by secret (Basic or in the body) or by a client assertion signed with a certificate's key, signed (not encrypted) JWT access tokens whose audience is the resource
/// of a <c>{resource}/.default</c> scope and whose roles are the client's for that resource, and token introspection;
/// and over in-memory mailboxes, an EWS endpoint and a Microsoft Graph endpoint with change notifications; and two
/// vaults: a HashiCorp Vault KV version 2 endpoint on the same plain http address, and an Azure Key Vault secrets
/// endpoint on an https address of its own (<see cref="KeyVaultUri"/>, with a certificate made at start), which also
/// serves the token endpoint under Microsoft Entra's paths for Azure.Identity.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    /// <summary>Path of the token endpoint.</summary>
    public const string TokenPath = "/connect/token";

    /// <summary>The audience of tokens for EWS in Exchange Online.</summary>
    public const string ExchangeOnlineResource = "https://outlook.office365.com";

    /// <summary>The audience of tokens for Microsoft Graph.</summary>
    public const string GraphResource = "https://graph.microsoft.com";

    /// <summary>Path of the token endpoint under Microsoft Entra's v2.0 path for the sandbox's tenant, as Azure.Identity (MSAL) posts to it.</summary>
    public const string EntraTokenPath = "/" + TenantId + "/oauth2/v2.0/token";

    /// <summary>Path of the OpenID Connect discovery document under Microsoft Entra's v2.0 path for the sandbox's tenant.</summary>
    public const string EntraConfigurationPath = "/" + TenantId + "/v2.0/.well-known/openid-configuration";

    /// <summary>Path of the introspection endpoint.</summary>
    public const string IntrospectionPath = "/connect/introspect";

    /// <summary>The tenant id of the sandbox, as Microsoft Graph's change notifications carry it in <c>tenantId</c>.</summary>
    public const string TenantId = "5a9d1c2e-0000-4000-8000-c0ffee5a4db0";

    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, Uri baseAddress, Uri keyVaultUri, X509Certificate2 tlsCertificate)
    {
        _app = app;
        BaseAddress = baseAddress;
        KeyVaultUri = keyVaultUri;
        TlsCertificate = tlsCertificate;
    }

    /// <summary>Where the sandbox listens, for example <c>http://127.0.0.1:5090/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// The sandbox's https address (<see cref="SandboxOptions.HttpsUrl"/>), for example <c>https://127.0.0.1:5091/</c>:
    /// the vault URI of its Azure Key Vault, and the authority host for Azure.Identity (the token endpoint at
    /// <see cref="EntraTokenPath"/>). Clients trust <see cref="TlsCertificate"/> for it.
    /// </summary>
    public Uri KeyVaultUri { get; }

    /// <summary>The self-signed certificate (public part) of <see cref="KeyVaultUri"/>, made at start, for <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c>.</summary>
    public X509Certificate2 TlsCertificate { get; }

    /// <summary>The HashiCorp Vault KV version 2 endpoint at <c>/v1</c>: its secrets, tokens, AppRoles, counters and fault switch.</summary>
    public SandboxVault Vault => _app.Services.GetRequiredService<SandboxVault>();

    /// <summary>The Azure Key Vault secrets endpoint at <see cref="KeyVaultUri"/>: its secrets, counters and fault switch.</summary>
    public SandboxKeyVault KeyVault => _app.Services.GetRequiredService<SandboxKeyVault>();

    /// <summary>The token endpoint.</summary>
    public Uri TokenEndpoint => new(BaseAddress, TokenPath);

    /// <summary>The introspection endpoint.</summary>
    public Uri IntrospectionEndpoint => new(BaseAddress, IntrospectionPath);

    /// <summary>The EWS endpoint.</summary>
    public Uri EwsEndpoint => new(BaseAddress, SandboxEwsEndpoint.Path.TrimStart('/'));

    /// <summary>The Microsoft Graph endpoint (its version root), for example <c>http://127.0.0.1:5090/v1.0</c>.</summary>
    public Uri GraphEndpoint => new(BaseAddress, SandboxGraphEndpoint.Path.TrimStart('/'));

    /// <summary>The mailboxes behind the EWS and Graph endpoints.</summary>
    public SandboxMailboxes Mailboxes => _app.Services.GetRequiredService<SandboxMailboxes>();

    /// <summary>
    /// The Microsoft Graph subscriptions (<c>/v1.0/subscriptions</c>): read them with the notifications they sent, send
    /// lifecycle events, expire one now.
    /// </summary>
    public SandboxSubscriptions Subscriptions => _app.Services.GetRequiredService<SandboxSubscriptions>();

    /// <summary>The services of the sandbox host.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary><see cref="TlsCertificate"/> as PEM, for a client that takes a CA file (such as <c>REQUESTS_CA_BUNDLE</c> or <c>SSL_CERT_FILE</c>).</summary>
    public string TlsCertificatePem() => TlsCertificate.ExportCertificatePem();

    /// <summary>
    /// An HTTP handler that trusts exactly <see cref="TlsCertificate"/> for https (and no other certificate), for an
    /// <see cref="HttpClient"/> or an Azure SDK transport pointed at <see cref="KeyVaultUri"/>.
    /// </summary>
    public SocketsHttpHandler CreateTrustingHandler()
    {
        var trusted = TlsCertificate.RawDataMemory;
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.Span),
            },
        };
    }

    /// <summary>Starts the sandbox and registers <see cref="SandboxOptions.Clients"/>.</summary>
    public static async Task<SandboxServer> StartAsync(
        SandboxOptions options,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.NotificationTimeout, TimeSpan.Zero, nameof(options));
        if (!options.HttpsUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || options.HttpsUrl.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException($"HttpsUrl takes one https address, for example https://127.0.0.1:0; not {options.HttpsUrl}.", nameof(options));
        }

        var certificate = SandboxCertificate.Create(TimeProvider.System.GetUtcNow());
        var issuers = new List<string>();

        // An empty builder: the sandbox reads no appsettings or environment of the process that hosts it.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SandboxServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration()
            .ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate))
            .UseUrls(options.Urls + ";" + options.HttpsUrl);
        configureLogging?.Invoke(builder.Logging);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddRouting();
        builder.Services.AddSingleton<SandboxClientRegistry>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SandboxMailboxes>();
        builder.Services.AddSingleton<SandboxEwsEndpoint>();
        builder.Services.AddSingleton<GraphDispatcher>();
        builder.Services.AddSingleton<GraphBatch>();
        builder.Services.AddSingleton<SandboxGraphEndpoint>();
        builder.Services.AddSingleton<NotificationQueue>();
        builder.Services.AddSingleton(sp => new SandboxSubscriptions(
            sp.GetRequiredService<SandboxMailboxes>(), sp.GetRequiredService<NotificationQueue>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<GraphSubscriptionOperations>();
        builder.Services.AddSingleton<NotificationEndpointValidator>();
        builder.Services.AddHostedService<ChangeNotificationSender>();
        builder.Services.AddHttpClient(ChangeNotificationSender.HttpClientName, http => http.Timeout = options.NotificationTimeout);
        builder.Services.AddSingleton<SandboxServerAccessor>();
        builder.Services.AddSingleton(sp => new SandboxVault(options.VaultRootToken, options.VaultTokenTtl, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SandboxVaultEndpoint>();
        builder.Services.AddSingleton(sp => new SandboxKeyVault(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SandboxKeyVaultEndpoint>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        var database = "credo-sandbox-" + Guid.NewGuid().ToString("N");
        builder.Services.AddDbContext<SandboxDbContext>(db => db.UseInMemoryDatabase(database).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<SandboxDbContext>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris(TokenPath.TrimStart('/'), EntraTokenPath.TrimStart('/'))
                    .SetIntrospectionEndpointUris(IntrospectionPath.TrimStart('/'))
                    .SetConfigurationEndpointUris(".well-known/openid-configuration", EntraConfigurationPath.TrimStart('/'));
                server.AllowClientCredentialsFlow();
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                server.DisableAccessTokenEncryption();
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                server.AddEventHandler(RequireClientAuthenticationMethod.Descriptor);
                server.AddEventHandler(AcceptEntraClientAssertions.Descriptor);
                server.AddEventHandler(RestoreClientAssertionTokenType.Descriptor);
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                // Only tokens this server issued for Exchange Online, Graph or Key Vault, unexpired; each endpoint then
                // requires its own audience among the token's.
                validation.UseLocalServer();
                validation.UseAspNetCore();
                validation.AddAudiences(ExchangeOnlineResource, GraphResource, SandboxKeyVault.Resource);

                // The issuer of a token is the address it was issued at (plain http or https): both are this server's.
                validation.Configure(o => o.TokenValidationParameters.ValidIssuers = issuers);
            });

        var app = builder.Build();

        // Made before any mailbox changes, so that no delivery happens unobserved.
        app.Services.GetRequiredService<SandboxSubscriptions>();
        app.UseAuthentication();
        app.MapPost(TokenPath, IssueToken);
        app.MapPost(EntraTokenPath, IssueToken);
        app.MapPost(SandboxEwsEndpoint.Path, (HttpContext context, SandboxEwsEndpoint ews) => ews.HandleAsync(context));
        app.Map(SandboxGraphEndpoint.Path + "/{**path}", (HttpContext context, SandboxGraphEndpoint graph) => graph.HandleAsync(context));
        app.MapSandboxControlApi();
        app.MapSubscriptionControlApi();
        app.Map(SandboxVaultEndpoint.Path + "/{**path}", (HttpContext context, SandboxVaultEndpoint vault) => vault.HandleAsync(context));
        app.MapVaultControlApi();
        app.Map(SandboxKeyVaultEndpoint.Path + "/{**path}", (HttpContext context, SandboxKeyVaultEndpoint keyVault) => keyVault.HandleAsync(context));
        app.MapKeyVaultControlApi();
        app.MapGet("/", SandboxHomePage.Render);
        await app.StartAsync(cancellationToken);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.EndsWith('/') ? a : a + "/")).ToList();
        var https = addresses.Last(a => a.Scheme == Uri.UriSchemeHttps);
        issuers.AddRange(addresses.Select(a => a.AbsoluteUri));
        var sandbox = new SandboxServer(app, addresses.Find(a => a.Scheme == Uri.UriSchemeHttp) ?? addresses[0], https, certificate);
        app.Services.GetRequiredService<SandboxServerAccessor>().Server = sandbox;
        sandbox.Vault.Address = sandbox.BaseAddress;
        sandbox.KeyVault.Uri = https;
        foreach (var client in options.Clients)
        {
            await sandbox.AddClientAsync(client, cancellationToken);
        }

        // The demo's secret sources: the first client's secret in each vault, and an AppRole to read it with.
        sandbox.Vault.AddAppRole(SandboxVault.DemoRoleId, SandboxVault.DemoSecretId);
        if (options.Clients.FirstOrDefault(c => c.ClientSecret.Length > 0) is { } demo)
        {
            sandbox.Vault.SetSecret(SandboxVault.DefaultMount, SandboxVault.DemoSecretPath, new Dictionary<string, string> { [SandboxVault.DemoSecretKey] = demo.ClientSecret });
            sandbox.KeyVault.SetSecret(SandboxKeyVault.DemoSecretName, demo.ClientSecret);
        }

        sandbox.Mailboxes.DefaultFaultRate = options.FaultRate;
        foreach (var smtp in options.Mailboxes)
        {
            var mailbox = sandbox.Mailboxes.Create(smtp);
            var inbox = mailbox.WellKnown("inbox");
            for (var i = 0; i < options.SeedMessages; i++)
            {
                mailbox.Deliver(sandbox.Mailboxes.Generate(smtp, attachmentBytes: i % 4 == 3 ? 2048 : 0), inbox.Id);
            }
        }

        return sandbox;
    }

    /// <summary>Registers a client (and its scopes) with the authorization server.</summary>
    public async Task AddClientAsync(SandboxClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(client.ClientSecret) && string.IsNullOrEmpty(client.Certificate))
        {
            throw new ArgumentException("A client needs a secret or a certificate.", nameof(client));
        }

        var keys = client.Certificate is { Length: > 0 } pem
            ? ClientKeySet.TryCreate(pem, out var keyError) ?? throw new ArgumentException(keyError, nameof(client))
            : null;
        await using var scope = _app.Services.CreateAsyncScope();
        var scopes = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        foreach (var name in client.Scopes)
        {
            if (await scopes.FindByNameAsync(name, cancellationToken) is null)
            {
                var descriptor = new OpenIddictScopeDescriptor { Name = name };
                if (ResourceOf(name) is { } resource)
                {
                    descriptor.Resources.Add(resource);
                }

                await scopes.CreateAsync(descriptor, cancellationToken);
            }
        }

        var application = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = string.IsNullOrEmpty(client.ClientSecret) ? null : client.ClientSecret,
            JsonWebKeySet = keys,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.ClientId,
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var name in client.Scopes)
        {
            application.Permissions.Add(Permissions.Prefixes.Scope + name);
        }

        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(application, cancellationToken);
        _app.Services.GetRequiredService<SandboxClientRegistry>().Add(client);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        TlsCertificate.Dispose();
    }

    private static IResult IssueToken(HttpContext context, SandboxClientRegistry registry)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        var client = registry.Find(request.ClientId)
            ?? throw new InvalidOperationException("OpenIddict authenticated a client that the sandbox does not know.");

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId);
        identity.SetClaim("appid", client.ClientId);
        var requested = request.GetScopes();
        var resources = requested.Select(ResourceOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

        // As in Entra, the roles are the app permissions granted on the token's resource. Entra refuses scopes of two
        // resources in one request; the sandbox gives such a token both audiences and both sets of roles instead, so
        // callers that ask for every scope of a client keep working.
        var roles = resources.Count == 0 ? client.Roles : resources.SelectMany(RolesFor);
        IEnumerable<string> RolesFor(string resource) => resource switch
        {
            GraphResource => client.GraphRoles,
            SandboxKeyVault.Resource => [],
            _ => client.Roles,
        };

        foreach (var role in roles.Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim("roles", role, ClaimValueTypes.String));
        }

        foreach (var (type, value) in client.Claims)
        {
            identity.SetClaim(type, value);
        }

        identity.SetScopes(requested);
        identity.SetResources(resources);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The resource of a <c>{resource}/.default</c> scope, which becomes the token's audience.</summary>
    private static string? ResourceOf(string scope) =>
        scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : null;
}
