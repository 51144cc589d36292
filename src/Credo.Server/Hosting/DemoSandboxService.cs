using Credo.Core.Credentials;
using Credo.Sandbox;
using Credo.Server.Cli;

namespace Credo.Server.Hosting;

/// <summary>
/// For <c>serve --demo</c>: the sandbox in-process on a free loopback port, stopped with the server, and the credential
/// "Demo credential" pointed at it (created on the first demo start, its token endpoint updated on later ones).
/// </summary>
internal sealed class DemoSandboxService(IServiceScopeFactory scopes, TimeProvider time) : IHostedService, IAsyncDisposable
{
    public const string CredentialName = "Demo credential";
    public const string ListenerName = "Demo listener";
    private const string Actor = "demo";
    private static readonly TimeSpan MailEvery = TimeSpan.FromSeconds(20);

    private SandboxServer? _sandbox;
    private ITimer? _mail;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        _sandbox = await SandboxServer.StartAsync(options, SandboxBanner.ConfigureLogging, cancellationToken);
        await Console.Out.WriteLineAsync(SandboxBanner.Describe(_sandbox, options));
        var credentialId = await SeedCredentialAsync(options.Clients[0], cancellationToken);
        await SeedListenerAsync(credentialId, cancellationToken);

        // A sample mail every 20 s, so that mail arrives in the console within a minute.
        var mailbox = _sandbox.Mailboxes.Find(SandboxOptions.DemoMailbox)!;
        _mail = time.CreateTimer(_ => mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address, attachmentBytes: Random.Shared.Next(3) == 0 ? 4096 : 0), mailbox.WellKnown("inbox").Id), null, MailEvery, MailEvery);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_mail is not null)
        {
            await _mail.DisposeAsync();
            _mail = null;
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
            _sandbox = null;
        }
    }

    private async Task SeedListenerAsync(Guid credentialId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var listeners = scope.ServiceProvider.GetRequiredService<Credo.Core.Listeners.ListenerService>();
        var input = new Credo.Core.Listeners.ListenerInput
        {
            Name = ListenerName,
            Ews = new() { Url = _sandbox!.EwsEndpoint.ToString() },
            Mailbox = SandboxOptions.DemoMailbox,
            CredentialId = credentialId,
            PollIntervalSeconds = 5,
        };
        var change = await listeners.FindAsync(ListenerName, cancellationToken) is { } existing
            ? await listeners.UpdateAsync(existing.Id, existing.Version, Restarted(existing, input), Actor, cancellationToken)
            : await listeners.CreateAsync(input, Actor, cancellationToken);
        if (change.Status != Credo.Core.Listeners.ListenerChangeStatus.Done)
        {
            throw new InvalidOperationException($"The demo could not set up \"{ListenerName}\": {change.Message ?? string.Join(" ", change.Errors.Values)}");
        }
    }

    // A restarted demo has a new sandbox (new port, new mailbox): keep the listener's settings, point it at the new one.
    private static Credo.Core.Listeners.ListenerInput Restarted(Credo.Core.Listeners.EmailListener existing, Credo.Core.Listeners.ListenerInput fresh)
    {
        var input = Credo.Core.Listeners.ListenerInput.From(existing);
        input.Protocol = Credo.Core.Listeners.MailProtocol.EWS;
        input.Ews = fresh.Ews;
        input.CredentialId = fresh.CredentialId;
        return input;
    }

    private async Task<Guid> SeedCredentialAsync(SandboxClient client, CancellationToken cancellationToken)
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

        return change.Credential!.Id;
    }
}
