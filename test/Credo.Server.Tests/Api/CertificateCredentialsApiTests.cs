using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Credo.Tests;

namespace Credo.Server.Tests.Api;

/// <summary>Certificate credentials and expiry over <c>/api/v1/credentials</c>: the key goes in as base64 and never comes back.</summary>
public sealed class CertificateCredentialsApiTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>
{
    private const string Password = "api-pfx-Pa55!";

    [Fact]
    public async Task Certificate_credential_round_trip_shows_subject_thumbprint_and_expiry_but_never_the_key()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var first = CertificateFiles.Rsa("CN=credo-api-first", now.AddDays(-1), now.AddDays(20).AddHours(1));
        using var second = CertificateFiles.Ec("CN=credo-api-second", now.AddDays(-1), now.AddDays(200).AddHours(1));
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        var name = "API certificate " + Guid.NewGuid().ToString("N")[..8];
        var bodies = new List<string>();

        using var created = await http.PostAsJsonAsync(Url("credentials"), new
        {
            type = "OAuth2ClientCertificate",
            name,
            clientId = "api-cert-client",
            tokenEndpoint = server.TokenEndpoint.ToString(),
            scopes = CredoServerFixture.Scope,
            certificate = Convert.ToBase64String(first.Pem()),
        }, TestContext.Current.CancellationToken);
        var json = await ReadAsync(created, bodies);
        Assert.True(created.StatusCode == HttpStatusCode.Created, json.ToString());
        Assert.Equal("OAuth2ClientCertificate", json.GetProperty("type").GetString());
        Assert.Equal("PrivateKeyJwt", json.GetProperty("authenticationMethod").GetString());
        var certificate = json.GetProperty("certificate");
        Assert.Equal("CN=credo-api-first", certificate.GetProperty("subject").GetString());
        Assert.Equal(first.Sha256Thumbprint, certificate.GetProperty("sha256Thumbprint").GetString());
        Assert.Equal("PS256", certificate.GetProperty("signingAlgorithm").GetString());
        Assert.Equal(20, json.GetProperty("expiresInDays").GetInt32());

        // A new EC certificate from a PKCS#12 file, with its algorithm.
        using var updated = await http.PutAsJsonAsync(Url($"credentials/{json.GetProperty("id").GetString()}"), new
        {
            name,
            clientId = "api-cert-client",
            tokenEndpoint = server.TokenEndpoint.ToString(),
            scopes = CredoServerFixture.Scope,
            certificate = Convert.ToBase64String(second.Pfx(Password)),
            certificatePassword = Password,
            signingAlgorithm = "ES256",
            version = json.GetProperty("version").GetInt64(),
        }, TestContext.Current.CancellationToken);
        var after = await ReadAsync(updated, bodies);
        Assert.True(updated.StatusCode == HttpStatusCode.OK, after.ToString());
        Assert.Equal(second.Sha256Thumbprint, after.GetProperty("certificate").GetProperty("sha256Thumbprint").GetString());
        Assert.Equal("ES256", after.GetProperty("certificate").GetProperty("signingAlgorithm").GetString());
        Assert.Equal(200, after.GetProperty("expiresInDays").GetInt32());

        using var listed = await http.GetAsync(Url("credentials?limit=500"), TestContext.Current.CancellationToken);
        Assert.Contains((await ReadAsync(listed, bodies)).EnumerateArray(), c => c.GetProperty("name").GetString() == name);

        Assert.All(bodies, b =>
        {
            Assert.DoesNotContain(first.KeyBase64[..40], b, StringComparison.Ordinal);
            Assert.DoesNotContain(second.KeyBase64[..40], b, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, b, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", b, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Wrong_certificate_password_is_a_400_with_a_field_error()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var files = CertificateFiles.Rsa("CN=credo-api-wrong", now.AddDays(-1), now.AddDays(30));
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsJsonAsync(Url("credentials"), new
        {
            type = "OAuth2ClientCertificate",
            name = "Wrong password " + Guid.NewGuid().ToString("N")[..8],
            clientId = "api-cert-client",
            tokenEndpoint = server.TokenEndpoint.ToString(),
            scopes = CredoServerFixture.Scope,
            certificate = Convert.ToBase64String(files.Pfx(Password)),
            certificatePassword = "not-the-password",
        }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadAsync(response, []);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("certificatePassword").EnumerateArray()).GetString();
        Assert.Contains("password", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-the-password", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_expiry_date_comes_back_with_the_days_left()
    {
        var expires = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(10);
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsJsonAsync(Url("credentials"), new
        {
            name = "Expiring " + Guid.NewGuid().ToString("N")[..8],
            clientId = CredoServerFixture.BasicClient.ClientId,
            clientSecret = CredoServerFixture.BasicClient.ClientSecret,
            tokenEndpoint = server.TokenEndpoint.ToString(),
            scopes = CredoServerFixture.Scope,
            secretExpiresOn = expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }, TestContext.Current.CancellationToken);

        var json = await ReadAsync(response, []);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        Assert.Equal(expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("secretExpiresOn").GetString());
        Assert.Equal(10, json.GetProperty("expiresInDays").GetInt32());
        Assert.False(json.GetProperty("expired").GetBoolean());
    }

    private HttpClient Client(string apiKey)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    private Uri Url(string path) => new(server.BaseAddress, "/api/v1/" + path);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, List<string> bodies)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        bodies.Add(body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
