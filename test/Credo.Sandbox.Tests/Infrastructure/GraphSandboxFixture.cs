using System.Net.Http.Headers;
using Credo.Sandbox.Ews;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>
/// The sandbox on a free loopback port, with clients for Graph (the default one, one with only <c>Mail.Read</c>, one
/// without a mail permission, one without Graph scope), and the official Graph SDK pointed at it. Each test makes its
/// own mailbox.
/// </summary>
public sealed class GraphSandboxFixture : IAsyncLifetime
{
    public static readonly SandboxClient ReadOnlyClient = new()
    {
        ClientId = "graph-read-only", ClientSecret = "read-only-secret", Scopes = [SandboxClient.GraphScope], GraphRoles = ["Mail.Read"],
    };

    /// <summary>A Graph client granted no mail permission.</summary>
    public static readonly SandboxClient NoMailClient = new()
    {
        ClientId = "graph-no-mail", ClientSecret = "no-mail-secret", Scopes = [SandboxClient.GraphScope], GraphRoles = ["Calendars.Read"],
    };

    public static readonly SandboxClient EwsOnlyClient = new() { ClientId = "ews-only", ClientSecret = "ews-only-secret" };

    private SandboxServer? _server;
    private int _mailboxes;

    public SandboxServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(ReadOnlyClient);
        options.Clients.Add(EwsOnlyClient);
        options.Clients.Add(NoMailClient);
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>A new, empty mailbox of its own for a test.</summary>
    public SandboxMailbox NewMailbox() => Server.Mailboxes.Create($"user{Interlocked.Increment(ref _mailboxes)}@sandbox.test");

    /// <summary>The official SDK, unchanged, with a Graph token of <paramref name="client"/> (default: the sandbox client).</summary>
    public GraphServiceClient Sdk(SandboxClient? client = null) =>
        new(Http, new BaseBearerTokenAuthenticationProvider(Tokens(client ?? SandboxClient.Default(), SandboxClient.GraphScope)), Server.GraphEndpoint.ToString());

    public SandboxTokenProvider Tokens(SandboxClient client, string scope) => new(Http, Server.TokenEndpoint, client, scope);

    public async Task<string> TokenAsync(SandboxClient? client = null, string scope = SandboxClient.GraphScope) =>
        await Tokens(client ?? SandboxClient.Default(), scope).GetAuthorizationTokenAsync(Server.GraphEndpoint, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A plain request to the Graph endpoint (<paramref name="path"/> below <c>/v1.0/</c>, or an absolute link).</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, string? token)
    {
        var uri = Uri.TryCreate(path, UriKind.Absolute, out var absolute) ? absolute : new Uri(Server.GraphEndpoint + "/" + path.TrimStart('/'));
        var request = new HttpRequestMessage(method, uri);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
