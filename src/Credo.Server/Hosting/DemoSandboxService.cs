using Credo.Sandbox;
using Credo.Server.Cli;

namespace Credo.Server.Hosting;

/// <summary>For <c>serve --demo</c>: the sandbox in-process on a free loopback port, stopped with the server.</summary>
internal sealed class DemoSandboxService : IHostedService, IAsyncDisposable
{
    private SandboxServer? _sandbox;

    public SandboxServer Sandbox => _sandbox ?? throw new InvalidOperationException("The demo sandbox has not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        _sandbox = await SandboxServer.StartAsync(options, SandboxBanner.ConfigureLogging, cancellationToken);
        await Console.Out.WriteLineAsync(SandboxBanner.Describe(_sandbox, options));
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
            _sandbox = null;
        }
    }
}
