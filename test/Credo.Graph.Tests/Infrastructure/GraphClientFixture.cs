using System.Text;
using Credo.OAuth;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Graph.Tests.Infrastructure;

/// <summary>
/// The sandbox (authorization server + Microsoft Graph) on a free loopback port, and Credo.Graph as a host composes it:
/// <c>AddCredoGraph</c>, the outbound guard, the token cache and <c>AccessTokenHandler</c>. Each test makes its own mailbox.
/// </summary>
public sealed class GraphClientFixture : IAsyncLifetime
{
    /// <summary>A client whose tokens are for Exchange Online only: Graph refuses them.</summary>
    public static readonly SandboxClient ExchangeOnlyClient = new() { ClientId = "exchange-only", ClientSecret = "exchange-only-secret" };

    private SandboxServer? _server;
    private ServiceProvider? _services;
    private int _mailboxes;

    public SandboxServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public IGraphClient Client => (_services ?? throw new InvalidOperationException("Not started.")).GetRequiredService<IGraphClient>();

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(ExchangeOnlyClient);
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoGraph();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>A new, empty mailbox of its own for a test.</summary>
    public SandboxMailbox NewMailbox() => Server.Mailboxes.Create($"graph{Interlocked.Increment(ref _mailboxes)}@sandbox.test");

    /// <summary>The mailbox as Credo.Graph reaches it, with tokens of <paramref name="client"/> (default: Mail.ReadWrite) for <paramref name="scope"/>.</summary>
    public GraphMailbox MailboxFor(SandboxMailbox mailbox, SandboxClient? client = null, string scope = SandboxClient.GraphScope)
    {
        client ??= SandboxClient.Default();
        var credentials = new ClientCredentials(Server.TokenEndpoint, client.ClientId, new Secret(client.ClientSecret), ScopeSet.Parse(scope));
        var cache = _services!.GetRequiredService<ITokenCache>();
        return new GraphMailbox(Server.GraphEndpoint, mailbox.Address, new CachedAccessTokenSource(cache, client.ClientId + " " + scope, 1, credentials));
    }

    /// <summary>Delivers a small message with <paramref name="messageId"/> to the folder with a well-known name.</summary>
    public static SandboxItem Deliver(SandboxMailbox mailbox, string messageId, string folder = "inbox") => mailbox.Deliver(
        Encoding.ASCII.GetBytes($"From: sender@example.com\r\nTo: {mailbox.Address}\r\nSubject: Message {messageId}\r\nMessage-ID: <{messageId}>\r\n\r\nBody of {messageId}\r\n"),
        mailbox.WellKnown(folder).Id);

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
