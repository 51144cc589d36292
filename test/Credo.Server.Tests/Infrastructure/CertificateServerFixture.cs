using Credo.Sandbox;
using Credo.Tests;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>
/// <see cref="CredoServerFixture"/> with a sandbox client that authenticates with a certificate (private_key_jwt), whose
/// certificate expires in ten days.
/// </summary>
public sealed class CertificateServerFixture : CredoServerFixture
{
    public const string CertificateClientId = "console certificate";
    public const string PfxPassword = "console-pfx-Pa55!";

    public CertificateFiles Certificate { get; } = CertificateFiles.Rsa(
        "CN=credo-console", TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(10).AddHours(1));

    protected override void ConfigureSandbox(SandboxOptions options) =>
        options.Clients.Add(new SandboxClient
        {
            ClientId = CertificateClientId,
            Certificate = Certificate.CertificatePem(),
        });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Certificate.Dispose();
    }
}
