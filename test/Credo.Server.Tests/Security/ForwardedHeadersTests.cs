using System.Net;
using Credo.Server.Hosting;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Security;

/// <summary><c>Credo:ForwardedHeaders</c>: behind a TLS proxy the original scheme gives Secure cookies and HSTS.</summary>
public sealed class ForwardedHeadersTests(ForwardedHeadersServerFixture server) : IClassFixture<ForwardedHeadersServerFixture>
{
    private const string PublicHost = "credo.example.test";

    [Fact]
    public async Task Behind_a_TLS_proxy_the_session_cookie_is_Secure_and_HSTS_is_sent()
    {
        using var session = await ConsoleSession.SignInAsync(server.BaseAddress, "admin", CredoServerFixture.AdminPassword, request =>
        {
            request.Headers.Host = PublicHost;
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        });

        using var response = await session.SendAsync(HttpMethod.Get, "/Administration/AuditLog");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.Contains("secure", session.SetCookie("credo.session").Split(';').Select(a => a.Trim().ToLowerInvariant()));
        Assert.Contains("secure", session.SetCookie("credo.antiforgery").Split(';').Select(a => a.Trim().ToLowerInvariant()));
    }

    [Fact]
    public async Task Over_plain_http_there_is_no_HSTS_and_no_Secure_cookie()
    {
        using var session = await ConsoleSession.SignInAsync(server.BaseAddress, "admin", CredoServerFixture.AdminPassword, request => request.Headers.Host = PublicHost);

        using var response = await session.SendAsync(HttpMethod.Get, "/Administration/AuditLog");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", session.SetCookie("credo.session").Split(';').Select(a => a.Trim().ToLowerInvariant()));
    }

    [Fact]
    public async Task A_loopback_host_gets_no_HSTS_even_over_https()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("KnownProxies", "10.0.0.300")]
    [InlineData("KnownNetworks", "10.0.0.0/99")]
    public void A_proxy_that_is_not_an_address_stops_the_server_from_starting(string setting, string value)
    {
        var data = Directory.CreateTempSubdirectory("credo-forwarded-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => CredoServer.Build(
                new ServeSettings(false, data, "http://127.0.0.1:0", [$"--Credo:ForwardedHeaders:{setting}:0={value}"])));

            Assert.Contains($"Credo:ForwardedHeaders:{setting}", error.Message, StringComparison.Ordinal);
            Assert.Contains(value, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
