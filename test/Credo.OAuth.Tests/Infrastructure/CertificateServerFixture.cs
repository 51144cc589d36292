using System.Security.Cryptography.X509Certificates;
using Credo.Sandbox;

namespace Credo.OAuth.Tests.Infrastructure;

/// <summary>
/// The sandbox's OpenIddict on loopback with two clients registered by certificate (their public part only, as an
/// administrator uploads it to Microsoft Entra): one with an RSA key, one with an EC P-256 key.
/// </summary>
public sealed class CertificateServerFixture : IAsyncLifetime
{
    public const string Scope = SandboxClient.ExchangeOnlineScope;

    public const string RsaClientId = "rsa certificate client+%:/=&ü";

    public const string EcClientId = "ec certificate client";

    private SandboxServer? _server;

    public X509Certificate2 RsaCertificate { get; } = TestCertificates.Rsa(subject: "CN=credo-rsa");

    public X509Certificate2 EcCertificate { get; } = TestCertificates.EcP256(subject: "CN=credo-ec");

    public SandboxServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        options.Clients.Clear();
        options.Clients.Add(new SandboxClient { ClientId = RsaClientId, Certificate = TestCertificates.PublicPem(RsaCertificate) });
        options.Clients.Add(new SandboxClient { ClientId = EcClientId, Certificate = TestCertificates.PublicPem(EcCertificate) });
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        RsaCertificate.Dispose();
        EcCertificate.Dispose();
    }
}
