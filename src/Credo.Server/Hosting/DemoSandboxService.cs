using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Vaults.HashiCorp;
using Credo.Server.Cli;
using Microsoft.Extensions.Options;

namespace Credo.Server.Hosting;

/// <summary>
/// For <c>serve --demo</c>: the sandbox in-process on a free loopback port, stopped with the server, and two twins
/// pointed at it (created on the first demo start, their addresses updated on later ones): "Demo listener" reads
/// <c>demo@sandbox.test</c> over EWS with "Demo credential", "Demo Graph listener" reads <c>demo-graph@sandbox.test</c>
/// over Microsoft Graph with "Demo Graph credential". A sample mail arrives in both mailboxes every 20 s, and both listeners
/// send their webhooks to a built-in receiver (<see cref="DemoWebhookReceiver"/>), so deliveries show from the first minute.
/// "Demo certificate credential" authenticates with a certificate made on each start and registered with the sandbox.
/// "Demo Vault credential" reads its secret from the sandbox's Vault (the secret source <c>sandbox</c>, added to the
/// configuration), and "Demo environment credential" from the variable <c>CREDO_SECRET_DEMO</c>, which the
/// demo sets in its own environment unless it is set already.
/// </summary>
internal sealed class DemoSandboxService(
    IServiceScopeFactory scopes,
    IOptionsMonitor<ListenerOptions> listenerOptions,
    IOptionsMonitorCache<Core.Secrets.SecretSourceOptions> secretSourceOptions,
    TimeProvider time,
    ILogger<DemoSandboxService> logger)
    : IHostedService, IAsyncDisposable
{
    public const string CredentialName = "Demo credential";
    public const string ListenerName = "Demo listener";
    public const string GraphCredentialName = "Demo Graph credential";
    public const string GraphListenerName = "Demo Graph listener";
    public const string GraphMailbox = "demo-graph@sandbox.test";
    public const string CertificateCredentialName = "Demo certificate credential";
    public const string VaultCredentialName = "Demo Vault credential";
    public const string EnvironmentCredentialName = "Demo environment credential";
    public const string VaultSourceName = "sandbox";
    public const string SecretVariable = "CREDO_SECRET_DEMO";
    private const string CertificateClientId = "sandbox-certificate-client";
    private const string Actor = "demo";
    private static readonly TimeSpan MailEvery = TimeSpan.FromSeconds(20);

    private SandboxServer? _sandbox;
    private DemoWebhookReceiver? _receiver;
    private ITimer? _mail;

    // The demo's tokens go to the sandbox on loopback, and only there.
    private string SandboxHosts => _sandbox!.BaseAddress.Host;

    /// <summary>The running sandbox, once started; the start banner names its address and a token line against it.</summary>
    public SandboxServer? Sandbox => _sandbox;

    /// <summary>The sandbox client the demo credentials use.</summary>
    public SandboxClient? Client { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        _sandbox = await SandboxServer.StartAsync(options, SandboxBanner.ConfigureLogging, cancellationToken);
        _receiver = await DemoWebhookReceiver.StartAsync(time, cancellationToken);
        var client = Client = options.Clients[0];

        // The sandbox's Vault becomes a secret source (AddSecretSources), read from the options built next.
        secretSourceOptions.TryRemove(Options.DefaultName);
        if (Environment.GetEnvironmentVariable(SecretVariable) is null)
        {
            Environment.SetEnvironmentVariable(SecretVariable, client.ClientSecret);
        }

        if (await HeldElsewhereAsync(cancellationToken) is { } node)
        {
            // Another demo server on a shared database runs these objects against its own sandbox: rewriting them would break it.
            Log.DemoHeldElsewhere(logger, node);
            return;
        }

        var ews = await SeedCredentialAsync(CredentialName, client, SandboxClient.ExchangeOnlineScope, cancellationToken);
        await SeedListenerAsync(ListenerName, SandboxOptions.DemoMailbox, ews, i => i.Settings.Set(EwsProtocol.Id, "url", _sandbox.EwsEndpoint), cancellationToken);
        var graph = await SeedCredentialAsync(GraphCredentialName, client, SandboxClient.GraphScope, cancellationToken);
        await SeedListenerAsync(GraphListenerName, GraphMailbox, graph, i =>
        {
            i.Protocol = GraphProtocol.Id;
            i.Settings.Set(GraphProtocol.Id, "url", _sandbox.GraphEndpoint);
        }, cancellationToken);

        await SeedCertificateCredentialAsync(cancellationToken);
        await SeedCredentialAsync(VaultCredentialName, client, SandboxClient.GraphScope, cancellationToken,
            $"vault://{VaultSourceName}/{SandboxVault.DefaultMount}/{SandboxVault.DemoSecretPath}#{SandboxVault.DemoSecretKey}");
        await SeedCredentialAsync(EnvironmentCredentialName, client, SandboxClient.GraphScope, cancellationToken, "env:" + SecretVariable);

        // A sample mail every 20 s, so that mail arrives in the console within a minute.
        var twin = _sandbox.Mailboxes.Create(GraphMailbox);
        for (var i = 0; i < options.SeedMessages; i++)
        {
            twin.Deliver(_sandbox.Mailboxes.Generate(twin.Address), twin.WellKnown("inbox").Id);
        }

        SandboxMailbox[] mailboxes = [_sandbox.Mailboxes.Find(SandboxOptions.DemoMailbox)!, twin];
        _mail = time.CreateTimer(_ => DeliverSample(mailboxes), null, MailEvery, MailEvery);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    /// <summary>Adds the sandbox's Vault as the secret source <see cref="VaultSourceName"/>, once the sandbox runs (unless configured otherwise).</summary>
    public void AddSecretSources(Core.Secrets.SecretSourceOptions options)
    {
        if (_sandbox is { } sandbox)
        {
            options.Vault.TryAdd(VaultSourceName, new Core.Secrets.VaultSourceOptions { Address = sandbox.Vault.Address, Token = sandbox.Vault.RootToken });
        }
    }

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

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
            _receiver = null;
        }
    }

    // The node of another running server that holds a demo listener's lease, if one does.
    private async Task<string?> HeldElsewhereAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var listeners = scope.ServiceProvider.GetRequiredService<Credo.Core.Listeners.ListenerService>();
        var now = time.GetUtcNow();
        foreach (var name in new[] { ListenerName, GraphListenerName })
        {
            if (await listeners.FindAsync(name, cancellationToken) is { LeaseOwner: { } owner, LeaseExpiresAt: { } until }
                && owner != listenerOptions.CurrentValue.NodeName && until > now)
            {
                return owner;
            }
        }

        return null;
    }

    private void DeliverSample(SandboxMailbox[] mailboxes)
    {
        var attachmentBytes = Random.Shared.Next(3) == 0 ? 4096 : 0;
        foreach (var mailbox in mailboxes)
        {
            mailbox.Deliver(_sandbox!.Mailboxes.Generate(mailbox.Address, attachmentBytes: attachmentBytes), mailbox.WellKnown("inbox").Id);
        }
    }

    private async Task SeedListenerAsync(string name, string mailbox, Guid credentialId, Action<Credo.Core.Listeners.ListenerInput> protocol, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var listeners = scope.ServiceProvider.GetRequiredService<Credo.Core.Listeners.ListenerService>();
        var input = new Credo.Core.Listeners.ListenerInput
        {
            Name = name,
            Mailbox = mailbox,
            CredentialId = credentialId,
            PollIntervalSeconds = 5,
            WebhookUrl = _receiver!.Url.ToString(),
            WebhookSecret = _receiver.Secret,
        };
        protocol(input);
        var change = await listeners.FindAsync(name, cancellationToken) is { } existing
            ? await listeners.UpdateAsync(existing.Id, existing.Version, Restarted(existing, input), Actor, cancellationToken)
            : await listeners.CreateAsync(input, Actor, cancellationToken);
        if (change.Status != ChangeStatus.Done)
        {
            throw new InvalidOperationException($"The demo could not set up \"{name}\": {change.Message ?? string.Join(" ", change.Errors.Values)}");
        }
    }

    // A restarted demo has a new sandbox (new port, new mailbox): keep the listener's settings, point it at the new one.
    private static Credo.Core.Listeners.ListenerInput Restarted(Credo.Core.Listeners.EmailListener existing, Credo.Core.Listeners.ListenerInput fresh)
    {
        var input = Credo.Core.Listeners.ListenerInput.From(existing);
        input.Protocol = fresh.Protocol;
        input.Settings = fresh.Settings;
        input.CredentialId = fresh.CredentialId;
        // The receiver, like the sandbox, is new on every start: a new port and a new secret.
        input.WebhookUrl = fresh.WebhookUrl;
        input.WebhookSecret = fresh.WebhookSecret;
        return input;
    }

    // A new sandbox knows no certificate: make one, register it as Entra would, and upload it to the credential again.
    private async Task SeedCertificateCredentialAsync(CancellationToken cancellationToken)
    {
        // EC P-256: made in a moment, where an RSA key would hold up the demo's start on a slow machine.
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=credo-demo", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        await _sandbox!.AddClientAsync(new SandboxClient
        {
            ClientId = CertificateClientId,
            Certificate = certificate.ExportCertificatePem(),
            Scopes = [SandboxClient.ExchangeOnlineScope, SandboxClient.GraphScope],
        }, cancellationToken);

        await using var services = scopes.CreateAsyncScope();
        var credentials = services.ServiceProvider.GetRequiredService<CredentialStore>();
        var input = new CredentialInput
        {
            Type = CredentialType.OAuth2ClientCertificate,
            Name = CertificateCredentialName,
            ClientId = CertificateClientId,
            TokenEndpoint = _sandbox.TokenEndpoint.ToString(),
            Scopes = SandboxClient.ExchangeOnlineScope,
            ResourceHosts = SandboxHosts,
            CertificateFile = System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n"),
        };
        var change = await credentials.FindAsync(CertificateCredentialName, cancellationToken) is { } existing
            ? await credentials.UpdateAsync(existing.Id, existing.Version, input, Actor, cancellationToken)
            : await credentials.CreateAsync(input, Actor, cancellationToken);
        if (change.Status != ChangeStatus.Done)
        {
            throw new InvalidOperationException($"The demo could not set up \"{CertificateCredentialName}\": {change.Message ?? string.Join(" ", change.Errors.Values)}");
        }

        await ValidateAsync(services.ServiceProvider, change.Value!, cancellationToken);
    }

    private async Task<Guid> SeedCredentialAsync(string name, SandboxClient client, string scope, CancellationToken cancellationToken, string? secretReference = null)
    {
        await using var services = scopes.CreateAsyncScope();
        var credentials = services.ServiceProvider.GetRequiredService<CredentialStore>();
        var input = new CredentialInput
        {
            Name = name,
            ClientId = client.ClientId,
            ClientSecret = secretReference is null ? client.ClientSecret : null,
            SecretReference = secretReference,
            TokenEndpoint = _sandbox!.TokenEndpoint.ToString(),
            Scopes = scope,
            ResourceHosts = SandboxHosts,
        };
        var change = await credentials.FindAsync(name, cancellationToken) is { } existing
            ? await credentials.UpdateAsync(existing.Id, existing.Version, input, Actor, cancellationToken)
            : await credentials.CreateAsync(input, Actor, cancellationToken);
        if (change.Status != ChangeStatus.Done)
        {
            throw new InvalidOperationException($"The demo could not set up \"{name}\": {change.Message ?? string.Join(" ", change.Errors.Values)}");
        }

        await ValidateAsync(services.ServiceProvider, change.Value!, cancellationToken);
        return change.Value!.Id;
    }

    // The demo's credentials are real ones against the sandbox: validated once as they are saved (the outcome is kept
    // as their last validation, whatever it is), so that the console does not show "Not validated" beside listeners
    // that use them and work.
    private static async Task ValidateAsync(IServiceProvider services, Credential credential, CancellationToken cancellationToken) =>
        await services.GetRequiredService<CredentialValidator>().ValidateAsync(CredentialInputs.From(credential), credential.Id, Actor, cancellationToken);
}
