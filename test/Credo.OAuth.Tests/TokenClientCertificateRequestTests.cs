using System.Text;
using Credo.OAuth.Tests.Infrastructure;
using Credo.OAuth.Tests.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.OAuth.Tests;

/// <summary>The token request of a certificate client as it reaches the wire.</summary>
public sealed class TokenClientCertificateRequestTests
{
    [Fact]
    public async Task Assertion_goes_in_the_body_with_its_type_and_no_Authorization_header_and_each_request_has_a_new_jti()
    {
        var requests = new List<(string? Authorization, IFormCollection Form)>();
        await using var endpoint = await LoopbackServer.StartAsync(async (context, n) =>
        {
            var form = await context.Request.ReadFormAsync();
            lock (requests)
            {
                requests.Add((context.Request.Headers.Authorization.FirstOrDefault(), form));
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"access_token":"token-{{n}}","token_type":"Bearer","expires_in":3600}""");
        });
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 21, 0, 0, TimeSpan.Zero));
        await using var services = OAuthServices.Create(s => s.AddSingleton<TimeProvider>(time));
        using var x509 = TestCertificates.EcP256();
        using var certificate = ClientCertificate.Load(TestCertificates.Pem(x509), null).Value!;
        var credentials = new ClientCredentials(endpoint.Url("tenant/oauth2/v2.0/token"), "client id", certificate, ScopeSet.Parse("api://a/.default api://b/.default"), SigningAlgorithm.ES256);
        var sut = services.GetRequiredService<ITokenClient>();

        var first = await sut.RequestTokenAsync(credentials, TestContext.Current.CancellationToken);
        var second = await sut.RequestTokenAsync(credentials, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded && second.Succeeded);
        Assert.Equal(2, requests.Count);
        foreach (var (authorization, form) in requests)
        {
            Assert.Null(authorization);
            Assert.Equal(["grant_type", "scope", "client_id", "client_assertion_type", "client_assertion"], form.Keys);
            Assert.Equal("client_credentials", form["grant_type"]);
            Assert.Equal("api://a/.default api://b/.default", form["scope"]);
            Assert.Equal("client id", form["client_id"]);
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
            var claims = ClientAssertionTests.Claims(form["client_assertion"]!);
            Assert.Equal(endpoint.Url("tenant/oauth2/v2.0/token").AbsoluteUri, claims.GetProperty("aud").GetString());
            Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        }

        var jtis = requests.Select(r => ClientAssertionTests.Claims(r.Form["client_assertion"]!).GetProperty("jti").GetString()).ToList();
        Assert.Equal(2, jtis.Distinct().Count());
    }

    [Fact]
    public async Task Assertion_echoed_in_an_error_is_redacted()
    {
        await using var endpoint = await LoopbackServer.StartAsync(async (context, _) =>
        {
            var form = await context.Request.ReadFormAsync();
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"error":"invalid_client","error_description":"bad assertion {{form["client_assertion"]}} here"}""");
        });
        await using var services = OAuthServices.Create();
        using var x509 = TestCertificates.Rsa();
        using var certificate = ClientCertificate.Load(TestCertificates.Pem(x509), null).Value!;
        var credentials = new ClientCredentials(endpoint.Url("token"), "client", certificate, ScopeSet.Parse("api"), SigningAlgorithm.PS256);

        var result = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(credentials, TestContext.Current.CancellationToken);

        Assert.Equal("bad assertion [redacted] here", result.Error?.ErrorDescription);
        Assert.DoesNotContain("eyJ", result.Error?.Message, StringComparison.Ordinal);
    }
}
