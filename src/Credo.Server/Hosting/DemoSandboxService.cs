using Credo.Core.Credentials;
using Credo.Sandbox;
using Credo.Server.Cli;

namespace Credo.Server.Hosting;

/// <summary>
/// For <c>serve --demo</c>: the sandbox in-process on a free loopback port, stopped with the server, and the credential
/// "Demo credential" pointed at it (created on the first demo start, its token endpoint updated on later ones).
/// </summary>
internal sealed class DemoSandboxService(IServiceScopeFactory scopes) : IHostedService, IAsyncDisposable
{
    public const string CredentialName = "Demo credential";
    private const string Actor = "demo";

    private SandboxServer? _sandbox;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        _sandbox = await SandboxServer.StartAsync(options, SandboxBanner.ConfigureLogging, cancellationToken);
        await Console.Out.WriteLineAsync(SandboxBanner.Describe(_sandbox, options));
        await SeedCredentialAsync(options.Clients[0], cancellationToken);
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

    private async Task SeedCredentialAsync(SandboxClient client, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var credentials = scope.ServiceProvider.GetRequiredService<CredentialService>();
        var input = new CredentialInput
        {
            Name = CredentialName,
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            TokenEndpoint = _sandbox!.TokenEndpoint.ToString(),
            Scopes = string.Join(' ', client.Scopes),
        };
        var change = await credentials.FindAsync(CredentialName, cancellationToken) is { } existing
            ? await credentials.UpdateAsync(existing.Id, existing.Version, input, Actor, cancellationToken)
            : await credentials.CreateAsync(input, Actor, cancellationToken);
        if (change.Status != CredentialChangeStatus.Done)
        {
            throw new InvalidOperationException($"The demo could not set up \"{CredentialName}\": {change.Message ?? string.Join(" ", change.Errors.Values)}");
        }
    }
}
