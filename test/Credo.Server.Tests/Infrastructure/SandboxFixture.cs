using Credo.Sandbox;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>The sandbox authorization server on a free loopback port, with a client for each authentication method.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public static readonly SandboxClient Client = new()
    {
        ClientId = "cli client+%:/=&ü",
        ClientSecret = "cli-s3cret +%:/=&€",
    };

    private SandboxServer? _server;

    public Uri TokenEndpoint => (_server ?? throw new InvalidOperationException("Not started.")).TokenEndpoint;

    public Uri EwsEndpoint => (_server ?? throw new InvalidOperationException("Not started.")).EwsEndpoint;

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        options.Clients.Add(Client);
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
