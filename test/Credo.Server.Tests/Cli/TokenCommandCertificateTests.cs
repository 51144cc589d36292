using System.Text;
using System.Text.Json;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo token --certificate</c> run as a process against a real authorization server.</summary>
public sealed class TokenCommandCertificateTests(CertificateSandboxFixture sandbox) : IClassFixture<CertificateSandboxFixture>
{
    private const string Scope = SandboxClient.ExchangeOnlineScope;

    [Theory]
    [InlineData("PS256", "pem", false)]
    [InlineData("RS256", "pfx", true)]
    [InlineData("ES256", "pem", true)]
    [InlineData("ES256", "pfx", false)]
    public async Task Gets_a_token_for_each_algorithm_from_PEM_and_PFX(string algorithm, string format, bool withPassword)
    {
        var certificate = algorithm == "ES256" ? sandbox.Ec : sandbox.Rsa;
        var password = withPassword ? CertificateSandboxFixture.Password : null;
        var file = sandbox.File(
            $"{algorithm}-{Guid.NewGuid():N}.{format}",
            format == "pem" ? TestCertificates.Pem(certificate, password) : TestCertificates.Pfx(certificate, password));
        string[] args =
        [
            "token", "--certificate", file, "--signing-algorithm", algorithm, "--token-endpoint", sandbox.TokenEndpoint.ToString(),
            "--client-id", algorithm == "ES256" ? CertificateSandboxFixture.EcClientId : CertificateSandboxFixture.RsaClientId, "--scope", Scope,
            .. withPassword ? new[] { "--certificate-password-stdin" } : [],
        ];

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(args, stdin: password is null ? null : password + "\n");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(3, json.RootElement.GetProperty("access_token").GetString()!.Split('.').Length);
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(Scope, json.RootElement.GetProperty("scope").GetString());
        AssertNoKey(certificate, stdout + stderr);
        Assert.DoesNotContain(CertificateSandboxFixture.Password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_algorithm_defaults_to_the_key_s_own()
    {
        var file = sandbox.File($"ec-{Guid.NewGuid():N}.pem", TestCertificates.Pem(sandbox.Ec));

        var (exit, _, stderr) = await CredoProcess.RunAsync(
            ["token", "--certificate", file, "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", CertificateSandboxFixture.EcClientId, "--scope", Scope]);

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task Key_the_server_does_not_know_exits_1_with_invalid_client_as_JSON()
    {
        using var unknown = TestCertificates.Rsa(subject: "CN=not-uploaded");
        var file = sandbox.File($"unknown-{Guid.NewGuid():N}.pem", TestCertificates.Pem(unknown));

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--certificate", file, "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", CertificateSandboxFixture.RsaClientId, "--scope", Scope, "--json"]);

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
        Assert.Contains(unknown.Thumbprint, json.RootElement.GetProperty("hint").GetString(), StringComparison.Ordinal);
        AssertNoKey(unknown, stdout + stderr);
    }

    [Fact]
    public async Task Wrong_password_exits_2_with_a_clear_message_and_without_the_password()
    {
        var file = sandbox.File($"rsa-{Guid.NewGuid():N}.pfx", TestCertificates.Pfx(sandbox.Rsa, CertificateSandboxFixture.Password));

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--certificate", file, "--certificate-password-stdin", "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", CertificateSandboxFixture.RsaClientId, "--scope", Scope],
            stdin: "not the password\n");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("Wrong password", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not the password", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage", "neither PEM nor PKCS#12")]
    [InlineData("certificate-only", "holds no private key")]
    [InlineData("missing", "cannot be read")]
    [InlineData("es256-with-rsa", "ES256 needs an EC P-256 key")]
    [InlineData("with-secret", "not both")]
    [InlineData("with-auth", "Leave --auth out")]
    [InlineData("password-without-certificate", "go with --certificate")]
    public async Task Bad_file_or_flags_exit_2_with_a_clear_message(string scenario, string message)
    {
        var rsaPem = sandbox.File($"rsa-{Guid.NewGuid():N}.pem", TestCertificates.Pem(sandbox.Rsa));
        var file = scenario switch
        {
            "garbage" => sandbox.File($"garbage-{Guid.NewGuid():N}.pem", Encoding.ASCII.GetBytes("this is not a certificate")),
            "certificate-only" => sandbox.File($"cert-{Guid.NewGuid():N}.pem", Encoding.ASCII.GetBytes(sandbox.Rsa.ExportCertificatePem())),
            "missing" => Path.Combine(Path.GetTempPath(), $"credo-missing-{Guid.NewGuid():N}.pem"),
            _ => rsaPem,
        };
        string[] common = ["--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", CertificateSandboxFixture.RsaClientId, "--scope", Scope];
        string[] args = scenario switch
        {
            "es256-with-rsa" => ["token", "--certificate", file, "--signing-algorithm", "ES256", .. common],
            "with-secret" => ["token", "--certificate", file, "--client-secret", "s", .. common],
            "with-auth" => ["token", "--certificate", file, "--auth", "body", .. common],
            "password-without-certificate" => ["token", "--certificate-password-stdin", "--client-secret", "s", .. common],
            _ => ["token", "--certificate", file, .. common],
        };

        var (exit, _, stderr) = await CredoProcess.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    private static void AssertNoKey(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string output)
    {
        var keyPem = TestCertificates.KeyPem(certificate);
        var keyBody = keyPem.Split('\n')[1];
        Assert.DoesNotContain(keyBody, output, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", output, StringComparison.Ordinal);
    }
}
