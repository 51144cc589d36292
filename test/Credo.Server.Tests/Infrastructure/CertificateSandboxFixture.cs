using System.Security.Cryptography.X509Certificates;
using Credo.Sandbox;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>
/// The sandbox authorization server on a free loopback port with two clients registered by their public certificate
/// (RSA and EC P-256), and their certificates with keys as files an administrator would export: PEM and PFX.
/// </summary>
public sealed class CertificateSandboxFixture : IAsyncLifetime
{
    public const string RsaClientId = "cli rsa client";

    public const string EcClientId = "cli ec client";

    public const string Password = "cli p@ss €";

    private readonly string _folder = Directory.CreateTempSubdirectory("credo-certificates-").FullName;
    private SandboxServer? _server;

    public X509Certificate2 Rsa { get; } = TestCertificates.Rsa(subject: "CN=credo-cli-rsa");

    public X509Certificate2 Ec { get; } = TestCertificates.EcP256(subject: "CN=credo-cli-ec");

    public Uri TokenEndpoint => (_server ?? throw new InvalidOperationException("Not started.")).TokenEndpoint;

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(new SandboxClient { ClientId = RsaClientId, Certificate = TestCertificates.PublicPem(Rsa) });
        options.Clients.Add(new SandboxClient { ClientId = EcClientId, Certificate = TestCertificates.PublicPem(Ec) });
        _server = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Writes <paramref name="content"/> to a file of its own and returns its path.</summary>
    public string File(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Rsa.Dispose();
        Ec.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
