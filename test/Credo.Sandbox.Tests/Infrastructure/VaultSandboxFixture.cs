using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>
/// The sandbox on free loopback ports (plain http for Vault, https for Key Vault), with a client Key Vault refuses and
/// one allowed only Graph, and the official Key Vault SDK pointed at it over a transport that trusts only the
/// sandbox's certificate.
/// </summary>
public sealed class VaultSandboxFixture : IAsyncLifetime
{
    /// <summary>A client allowed Key Vault's scope that the vault refuses (no role assignment): 403.</summary>
    public static readonly SandboxClient RefusedClient = new()
    {
        ClientId = "keyvault-refused", ClientSecret = "refused-secret", Scopes = [SandboxClient.KeyVaultScope],
    };

    private SandboxServer? _server;

    public SandboxServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Mailboxes.Clear();
        options.Clients.Add(RefusedClient);
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        _server.KeyVault.RefuseClient(RefusedClient.ClientId);
        Http = new HttpClient(_server.CreateTrustingHandler());
    }

    /// <summary>Azure.Identity's client secret credential, pointed at the sandbox as authority host.</summary>
    public ClientSecretCredential Credential(SandboxClient? client = null)
    {
        client ??= SandboxClient.Default();
        return new ClientSecretCredential(SandboxServer.TenantId, client.ClientId, client.ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = Server.KeyVaultUri,
            DisableInstanceDiscovery = true,
            Transport = Transport(),
        });
    }

    /// <summary>The official SDK, as Credo will configure it, with <paramref name="credential"/> (default: <see cref="Credential"/>).</summary>
    public SecretClient Secrets(TokenCredential? credential = null)
    {
        var options = new SecretClientOptions { DisableChallengeResourceVerification = true, Transport = Transport() };

        // A refused request is not worth retrying here, and the retries' back-off would only slow the test down.
        options.Retry.MaxRetries = 0;
        return new SecretClient(Server.KeyVaultUri, credential ?? Credential(), options);
    }

    public SandboxTokenProvider Tokens(SandboxClient client, string scope) => new(Http, Server.TokenEndpoint, client, scope);

    private HttpClientTransport Transport() => new(Server.CreateTrustingHandler());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
