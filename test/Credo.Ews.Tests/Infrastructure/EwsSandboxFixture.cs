using Credo.OAuth;
using Credo.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests.Infrastructure;

/// <summary>
/// The sandbox (authorization server + EWS) on a free loopback port, and Credo.Ews as a host composes it, with every
/// EWS exchange checked against Microsoft's schema.
/// </summary>
public sealed class EwsSandboxFixture : IAsyncLifetime
{
    public const string Mailbox = "demo@sandbox.test";

    public static readonly SandboxClient NoRoleClient = new() { ClientId = "no-role", ClientSecret = "no-role-secret", Roles = [] };
    public static readonly SandboxClient OtherAudienceClient = new() { ClientId = "other-audience", ClientSecret = "other-secret", Scopes = ["api://other/.default"] };

    private SandboxServer? _server;
    private ServiceProvider? _services;

    public SandboxServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not started.");

    public IEwsClient Client => Services.GetRequiredService<IEwsClient>();

    public TrafficLog Traffic { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(NoRoleClient);
        options.Clients.Add(OtherAudienceClient);
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        _services = CreateServices(_ => { });
    }

    /// <summary>Credo.Ews services with their own settings, sharing the traffic log.</summary>
    public ServiceProvider CreateServices(Action<EwsOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoEws();
        services.Configure(configure);
        services.AddHttpClient("Credo.Ews").AddHttpMessageHandler(() => new TrafficRecorder(Traffic));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>A mailbox reached with <paramref name="client"/>'s token (the default client has <c>full_access_as_app</c>).</summary>
    public EwsMailbox MailboxFor(string address = Mailbox, SandboxClient? client = null, IServiceProvider? services = null)
    {
        client ??= SandboxClient.Default();
        var credentials = new ClientCredentials(Server.TokenEndpoint, client.ClientId, new Secret(client.ClientSecret), ScopeSet.Parse(string.Join(' ', client.Scopes)));
        var cache = (services ?? Services).GetRequiredService<ITokenCache>();
        return new EwsMailbox(Server.EwsEndpoint, address, new CachedAccessTokenSource(cache, client.ClientId, 1, credentials));
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
