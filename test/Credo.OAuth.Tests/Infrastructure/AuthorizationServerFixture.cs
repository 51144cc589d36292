using Credo.Sandbox;

namespace Credo.OAuth.Tests.Infrastructure;

/// <summary>
/// A real OpenIddict authorization server (the sandbox) on 127.0.0.1 with a free port, with clients whose
/// identifiers and secrets hold every character that breaks careless encoders.
/// </summary>
public sealed class AuthorizationServerFixture : IAsyncLifetime
{
    public const string Scope = SandboxClient.ExchangeOnlineScope;

    public static readonly SandboxClient BasicClient = new()
    {
        ClientId = "basic client+%:/=&ü",
        ClientSecret = "s3cret +%:/=&€ü",
        AuthenticationMethods = [SandboxClient.ClientSecretBasic],
    };

    public static readonly SandboxClient PostClient = new()
    {
        ClientId = "post client+%:/=&é",
        ClientSecret = "p@ss +%:/=&£ü",
        AuthenticationMethods = [SandboxClient.ClientSecretPost],
    };

    private SandboxServer? _server;

    public SandboxServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public Uri TokenEndpoint => Server.TokenEndpoint;

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", AccessTokenLifetime = TimeSpan.FromMinutes(20) };
        options.Clients.Clear();
        options.Clients.Add(BasicClient);
        options.Clients.Add(PostClient);
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public ClientCredentials Credentials(SandboxClient client, ClientAuthenticationMethod method, string? secret = null, string scope = Scope) =>
        OAuthServices.Credentials(TokenEndpoint, client.ClientId, secret ?? client.ClientSecret, scope, method);
}
