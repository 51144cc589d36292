using System.Security.Cryptography.X509Certificates;
using Credo.Net;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Credo.OAuth.Tests;

/// <summary>Client assertions (private_key_jwt) against a real OpenIddict authorization server on loopback.</summary>
public sealed class TokenClientCertificateTests(CertificateServerFixture server) : IClassFixture<CertificateServerFixture>
{
    private const string Password = "export p@ss";

    [Theory]
    [InlineData(SigningAlgorithm.PS256, "pem")]
    [InlineData(SigningAlgorithm.PS256, "pfx")]
    [InlineData(SigningAlgorithm.RS256, "pem")]
    [InlineData(SigningAlgorithm.RS256, "pfx")]
    [InlineData(SigningAlgorithm.ES256, "pem")]
    [InlineData(SigningAlgorithm.ES256, "pfx")]
    public async Task Certificate_client_gets_a_token_with_each_algorithm_from_PEM_and_PFX(SigningAlgorithm algorithm, string format)
    {
        var ec = algorithm == SigningAlgorithm.ES256;
        var x509 = ec ? server.EcCertificate : server.RsaCertificate;
        var file = format == "pem" ? TestCertificates.Pem(x509, Password) : TestCertificates.Pfx(x509, Password);
        var load = ClientCertificate.Load(file, Password);
        Assert.True(load.Succeeded, load.Error);
        using var sut = load.Value;

        var result = await RequestAsync(Credentials(ec ? CertificateServerFixture.EcClientId : CertificateServerFixture.RsaClientId, sut, algorithm));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("Bearer", result.Value.TokenType);
        var claims = result.Value.ReadJwtClaims();
        Assert.NotNull(claims);
        Assert.Equal(["https://outlook.office365.com"], claims.Audiences);
        Assert.Equal(["full_access_as_app"], claims.Roles);
    }

    [Fact]
    public async Task Key_the_server_does_not_know_is_invalid_client_with_a_hint_naming_the_certificate()
    {
        using var unknown = TestCertificates.Rsa(subject: "CN=not-uploaded");
        using var sut = ClientCertificate.Load(TestCertificates.Pem(unknown), null).Value!;

        var result = await RequestAsync(Credentials(CertificateServerFixture.RsaClientId, sut, SigningAlgorithm.PS256));

        Assert.False(result.Succeeded);
        Assert.Equal(TokenFailureKind.OAuthError, result.Error.Kind);
        Assert.Equal("invalid_client", result.Error.Error);
        Assert.Contains(sut.Sha1Thumbprint, result.Error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_requests_within_a_second_are_both_accepted()
    {
        using var sut = ClientCertificate.Load(TestCertificates.Pem(server.RsaCertificate), null).Value!;
        var credentials = Credentials(CertificateServerFixture.RsaClientId, sut, SigningAlgorithm.PS256);
        await using var services = OAuthServices.Create();
        var client = services.GetRequiredService<ITokenClient>();

        var first = await client.RequestTokenAsync(credentials, TestContext.Current.CancellationToken);
        var second = await client.RequestTokenAsync(credentials, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(second.Succeeded, second.ToString());
    }

    [Fact]
    public async Task Cached_source_serves_a_certificate_client_from_the_cache_and_no_log_holds_the_key_an_assertion_or_a_token()
    {
        await using var services = OAuthServices.Create();
        using var sut = ClientCertificate.Load(TestCertificates.Pem(server.RsaCertificate), null).Value!;
        using var unknown = ClientCertificate.Load(TestCertificates.Pem(TestCertificates.Rsa()), null).Value!;
        var source = new CachedAccessTokenSource(services.GetRequiredService<ITokenCache>(), "credential", 1, Credentials(CertificateServerFixture.RsaClientId, sut, SigningAlgorithm.PS256));
        await using var echo = await LoopbackServer.StartAsync(async (context, _) =>
        {
            var form = await context.Request.ReadFormAsync();
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"error":"invalid_client","error_description":"got {{form["client_assertion"]}}"}""");
        });

        var first = await source.GetTokenAsync(TestContext.Current.CancellationToken);
        var second = await source.GetTokenAsync(TestContext.Current.CancellationToken);
        var refused = await RequestAsync(Credentials(CertificateServerFixture.RsaClientId, unknown, SigningAlgorithm.RS256));
        var echoed = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(
            new ClientCredentials(echo.Url("token"), "client", sut, ScopeSet.Parse("api"), SigningAlgorithm.PS256), TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal(first.Value.Value, second.Value?.Value);
        Assert.Equal("invalid_client", refused.Error?.Error);
        Assert.Equal("got [redacted]", echoed.Error?.ErrorDescription);
        var keyLines = TestCertificates.KeyPem(server.RsaCertificate).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..^1];
        LogAssert.NoRecordHolds(services.GetFakeLogCollector(), [first.Value.Value, "eyJhbGci", "PRIVATE KEY", .. keyLines]);
    }

    private ClientCredentials Credentials(string clientId, ClientCertificate certificate, SigningAlgorithm algorithm) =>
        new(server.Server.TokenEndpoint, clientId, certificate, ScopeSet.Parse(CertificateServerFixture.Scope), algorithm);

    private static async Task<Result<AccessToken, TokenFailure>> RequestAsync(ClientCredentials credentials)
    {
        await using var services = OAuthServices.Create();
        return await services.GetRequiredService<ITokenClient>().RequestTokenAsync(credentials, TestContext.Current.CancellationToken);
    }
}
