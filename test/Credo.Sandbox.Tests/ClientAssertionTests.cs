using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>
/// Clients registered with a certificate (private_key_jwt): registered at runtime through the control API, as the demo
/// and tests do, and authenticated by OpenIddict from Entra-style assertions.
/// </summary>
public sealed class ClientAssertionTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _http = new();
    private SandboxServer? _server;

    private SandboxServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 }, cancellationToken: Ct);
        _http.BaseAddress = _server.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("PS256")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task Client_registered_with_a_certificate_through_the_control_API_gets_a_token_for_an_Entra_style_assertion(string algorithm)
    {
        using var certificate = algorithm == "ES256" ? TestCertificates.EcP256() : TestCertificates.Rsa();
        await RegisterAsync("cert-client", certificate, SandboxClient.GraphScope);

        var (status, body) = await RequestAsync(new HandMadeAssertion(certificate, "cert-client", Server.TokenEndpoint) { Algorithm = algorithm }, SandboxClient.GraphScope);

        Assert.True(status == 200, body.ToString());
        var token = body.GetProperty("access_token").GetString()!;
        using var payload = JsonDocument.Parse(Convert.FromBase64String(Pad(token.Split('.')[1])));
        Assert.Equal("https://graph.microsoft.com", payload.RootElement.GetProperty("aud").GetString());
        Assert.Equal("Mail.ReadWrite", payload.RootElement.GetProperty("roles").GetString());
    }

    [Fact]
    public async Task Assertion_signed_by_a_key_the_server_does_not_know_is_invalid_client()
    {
        using var registered = TestCertificates.Rsa();
        using var other = TestCertificates.Rsa();
        await RegisterAsync("cert-client", registered);

        var (status, body) = await RequestAsync(new HandMadeAssertion(other, "cert-client", Server.TokenEndpoint));

        Assert.Equal((401, "invalid_client"), (status, body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Assertion_for_another_audience_is_refused()
    {
        using var certificate = TestCertificates.Rsa();
        await RegisterAsync("cert-client", certificate);

        var (status, body) = await RequestAsync(new HandMadeAssertion(certificate, "cert-client", new Uri("https://login.example.com/tenant/oauth2/v2.0/token")));

        Assert.NotEqual(200, status);
        Assert.Contains("audience", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_assertion_is_refused()
    {
        using var certificate = TestCertificates.EcP256();
        await RegisterAsync("cert-client", certificate);

        var (status, body) = await RequestAsync(new HandMadeAssertion(certificate, "cert-client", Server.TokenEndpoint) { IssuedAgo = TimeSpan.FromMinutes(10) });

        Assert.NotEqual(200, status);
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Assertion_issued_by_another_client_is_refused()
    {
        using var certificate = TestCertificates.Rsa();
        await RegisterAsync("cert-client", certificate);

        var (status, body) = await RequestAsync(new HandMadeAssertion(certificate, "cert-client", Server.TokenEndpoint) { Issuer = "someone-else" });

        Assert.NotEqual(200, status);
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Client_with_only_a_secret_cannot_use_an_assertion_and_one_with_only_a_certificate_no_secret()
    {
        using var certificate = TestCertificates.Rsa();
        await RegisterAsync("cert-client", certificate);
        var secretClient = SandboxClient.Default();

        var (assertionStatus, assertionBody) = await RequestAsync(new HandMadeAssertion(certificate, secretClient.ClientId, Server.TokenEndpoint));
        using var secretForm = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "cert-client", ["client_secret"] = "guess", ["scope"] = SandboxClient.ExchangeOnlineScope,
        });
        using var secretResponse = await _http.PostAsync(Server.TokenEndpoint, secretForm, Ct);
        using var secretBody = JsonDocument.Parse(await secretResponse.Content.ReadAsStringAsync(Ct));

        Assert.Equal((401, "invalid_client"), (assertionStatus, assertionBody.GetProperty("error").GetString()));
        Assert.Equal("invalid_client", secretBody.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Control_API_refuses_a_certificate_that_is_not_PEM_and_a_client_without_secret_or_certificate()
    {
        using var notPem = await _http.PostAsJsonAsync("sandbox/clients", new { clientId = "broken", certificate = "MIIB not a certificate" }, Ct);
        using var neither = await _http.PostAsJsonAsync("sandbox/clients", new { clientId = "bare" }, Ct);

        Assert.Equal(400, (int)notPem.StatusCode);
        Assert.Contains("PEM certificate", await notPem.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(400, (int)neither.StatusCode);
        Assert.Contains("certificate", await neither.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task RegisterAsync(string clientId, X509Certificate2 certificate, string scope = SandboxClient.ExchangeOnlineScope)
    {
        using var response = await _http.PostAsJsonAsync("sandbox/clients", new { clientId, certificate = certificate.ExportCertificatePem(), scopes = new[] { scope } }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<(int Status, JsonElement Body)> RequestAsync(HandMadeAssertion assertion, string scope = SandboxClient.ExchangeOnlineScope)
    {
        using var form = assertion.Form(scope);
        using var response = await _http.PostAsync(Server.TokenEndpoint, form, Ct);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
