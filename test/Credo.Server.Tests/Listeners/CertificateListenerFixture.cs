using Credo.Core;
using Credo.Core.Credentials;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Credo.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>The server with a fast engine tick, and a sandbox client that authenticates with a certificate for both Exchange Online and Graph.</summary>
public sealed class CertificateListenerFixture : CredoServerFixture
{
    public const string ClientId = "listener certificate";

    public CertificateFiles Certificate { get; } = CertificateFiles.Ec(
        "CN=credo-listener", TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(365));

    protected override string[] ExtraArguments =>
    [
        "--Credo:Listeners:Tick=00:00:00.100",
        "--Credo:Listeners:InitialBackoff=00:00:00.200",
        "--Credo:Listeners:MaxBackoff=00:00:02",
    ];

    protected override void ConfigureSandbox(SandboxOptions options) =>
        options.Clients.Add(new SandboxClient
        {
            ClientId = ClientId,
            Certificate = Certificate.CertificatePem(),
            Scopes = [SandboxClient.ExchangeOnlineScope, SandboxClient.GraphScope],
        });

    public async Task<Guid> CertificateCredentialAsync(string scope)
    {
        await using var services = Services.CreateAsyncScope();
        var change = await services.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Type = CredentialType.OAuth2ClientCertificate,
            Name = "Certificate " + Guid.NewGuid().ToString("N")[..8],
            ClientId = ClientId,
            TokenEndpoint = TokenEndpoint.ToString(),
            Scopes = scope,
            ResourceHosts = ListenerServerFixture.TestResourceHosts,
            CertificateFile = Certificate.Pem(),
        }, "tests", TestContext.Current.CancellationToken);
        Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
        return change.Value!.Id;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Certificate.Dispose();
    }
}
