using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Api;

/// <summary><c>/api/v1/credentials</c> over HTTP against the server on loopback.</summary>
public sealed class CredentialsApiTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>
{
    private static readonly string Secret = CredoServerFixture.BasicClient.ClientSecret;

    [Fact]
    public async Task Calls_without_a_valid_API_key_get_401_problem_details()
    {
        using var http = Client(null);

        using var anonymous = await http.GetAsync(Url("credentials"), TestContext.Current.CancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "credo_not-a-key");
        using var wrong = await http.GetAsync(Url("credentials"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Cookies_of_the_console_do_not_authenticate_the_API()
    {
        using var http = Client(null);
        using var login = await http.GetAsync(new Uri(server.BaseAddress, "/Account/Login"), TestContext.Current.CancellationToken);

        using var response = await http.GetAsync(Url("credentials"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Administrator_key_creates_reads_updates_validates_and_deletes_and_the_secret_never_comes_back()
    {
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        var name = "API " + Guid.NewGuid().ToString("N")[..8];
        var bodies = new List<string>();

        using var created = await http.PostAsJsonAsync(Url("credentials"), Body(name, Secret), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdJson = await ReadAsync(created, bodies);
        var id = createdJson.GetProperty("id").GetString();
        Assert.Equal(1, createdJson.GetProperty("version").GetInt64());
        Assert.Equal("ClientSecretBasic", createdJson.GetProperty("authenticationMethod").GetString());
        Assert.False(createdJson.TryGetProperty("clientSecret", out _));

        using var list = await http.GetAsync(Url("credentials"), TestContext.Current.CancellationToken);
        Assert.Contains((await ReadAsync(list, bodies)).EnumerateArray(), c => c.GetProperty("name").GetString() == name);

        using var validated = await http.PostAsync(Url($"credentials/{id}/validate"), null, TestContext.Current.CancellationToken);
        var report = await ReadAsync(validated, bodies);
        Assert.True(report.GetProperty("succeeded").GetBoolean(), report.ToString());
        Assert.Equal("https://outlook.office365.com", report.GetProperty("audiences")[0].GetString());

        var update = Body(name + " v2", secret: null) with { Version = 1 };
        using var updated = await http.PutAsJsonAsync(Url($"credentials/{id}"), update, TestContext.Current.CancellationToken);
        var updatedJson = await ReadAsync(updated, bodies);
        Assert.Equal(2, updatedJson.GetProperty("version").GetInt64());
        Assert.Equal(name + " v2", updatedJson.GetProperty("name").GetString());

        using var stale = await http.PutAsJsonAsync(Url($"credentials/{id}"), update, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        await ReadAsync(stale, bodies);

        using var get = await http.GetAsync(Url($"credentials/{id}"), TestContext.Current.CancellationToken);
        Assert.Equal(name + " v2", (await ReadAsync(get, bodies)).GetProperty("name").GetString());

        using var deleted = await http.DeleteAsync(Url($"credentials/{id}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await http.GetAsync(Url($"credentials/{id}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        Assert.All(bodies, b => Assert.DoesNotContain(Secret, b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_is_paged_with_the_total_in_a_header()
    {
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        for (var i = 0; i < 3; i++)
        {
            using var created = await http.PostAsJsonAsync(Url("credentials"), Body("Paged " + Guid.NewGuid().ToString("N")[..8], Secret), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var first = await http.GetAsync(Url("credentials?limit=2"), TestContext.Current.CancellationToken);
        using var rest = await http.GetAsync(Url("credentials?offset=2&limit=500"), TestContext.Current.CancellationToken);

        var total = int.Parse(first.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= 3);
        Assert.Equal(2, (await ReadAsync(first, [])).GetArrayLength());
        Assert.Equal(total - 2, (await ReadAsync(rest, [])).GetArrayLength());
    }

    [Fact]
    public async Task Invalid_values_are_RFC_9457_validation_problems_naming_each_field()
    {
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsJsonAsync(Url("credentials"), new { name = "", tokenEndpoint = "http://idp.example.com/token", scopes = "a\"b" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response, []);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.Contains("Enter a name", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Enter the client identifier", errors.GetProperty("clientId")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Enter the client secret", errors.GetProperty("clientSecret")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("uses http", errors.GetProperty("tokenEndpoint")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("double quote", errors.GetProperty("scopes")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"Typed","authenticationMethod":"Body"}""", "authenticationMethod", "Send one of ClientSecretBasic, ClientSecretPost, PrivateKeyJwt for authenticationMethod.")]
    [InlineData("""{"name":"Typed","scopes":["https://graph.microsoft.com/.default"]}""", "scopes", "Send text (several as one string, separated by spaces) for scopes.")]
    [InlineData("""{"name":"Typed","signingAlgorithm":"RS999"}""", "signingAlgorithm", "Send one of PS256, RS256, ES256 for signingAlgorithm.")]
    public async Task A_value_of_the_wrong_type_is_refused_naming_the_field_and_what_to_send(string body, string field, string message)
    {
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsync(Url("credentials"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response, [])).GetProperty("errors");
        Assert.Equal(message, Assert.Single(errors.GetProperty(field).EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Viewer_key_reads_but_cannot_write()
    {
        using var admin = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        using var viewer = Client(await server.CreateApiKeyAsync(UserRole.Viewer));

        using var list = await viewer.GetAsync(Url("credentials"), TestContext.Current.CancellationToken);
        using var create = await viewer.PostAsJsonAsync(Url("credentials"), Body("Viewer try", Secret), TestContext.Current.CancellationToken);
        using var validate = await viewer.PostAsJsonAsync(Url("credentials/validate"), Body("Viewer try", Secret), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, validate.StatusCode);
    }

    [Fact]
    public async Task Validate_with_unsaved_values_reports_the_failing_stage()
    {
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsJsonAsync(Url("credentials/validate"), Body("Unsaved", "wrong-secret"), TestContext.Current.CancellationToken);

        var report = await ReadAsync(response, []);
        Assert.False(report.GetProperty("succeeded").GetBoolean());
        Assert.Equal("oauth_error", report.GetProperty("stage").GetString());
        Assert.Equal("invalid_client", report.GetProperty("error").GetString());
    }

    [Fact]
    public async Task OpenAPI_document_describes_the_credentials_API()
    {
        using var http = Client(null);

        var document = await http.GetStringAsync(new Uri(server.BaseAddress, "/openapi/v1.json"), TestContext.Current.CancellationToken);

        using var json = JsonDocument.Parse(document);
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/v1/credentials", out _));
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/v1/credentials/{id}/validate", out _));
    }

    [Fact]
    public async Task No_log_line_holds_the_secret_across_add_validate_and_update()
    {
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        const string secret = "Log-Check-S3cret";
        var name = "Logs " + Guid.NewGuid().ToString("N")[..8];

        using var created = await http.PostAsJsonAsync(Url("credentials"), Body(name, secret), TestContext.Current.CancellationToken);
        var id = (await ReadAsync(created, [])).GetProperty("id").GetString();
        using var failed = await http.PostAsync(Url($"credentials/{id}/validate"), null, TestContext.Current.CancellationToken);
        using var fixedSecret = await http.PutAsJsonAsync(Url($"credentials/{id}"), Body(name, Secret) with { Version = 1 }, TestContext.Current.CancellationToken);
        using var succeeded = await http.PostAsync(Url($"credentials/{id}/validate"), null, TestContext.Current.CancellationToken);

        Assert.False((await ReadAsync(failed, [])).GetProperty("succeeded").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, fixedSecret.StatusCode);
        Assert.True((await ReadAsync(succeeded, [])).GetProperty("succeeded").GetBoolean());
        server.AssertLogsHoldNone(secret, Secret);
    }

    private HttpClient Client(string? apiKey)
    {
        var http = new HttpClient();
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    private Uri Url(string path) => new(server.BaseAddress, "/api/v1/" + path);

    private Request Body(string name, string? secret) => new(name, CredoServerFixture.BasicClient.ClientId, secret, server.TokenEndpoint.ToString(), CredoServerFixture.Scope, "ClientSecretBasic", null);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, List<string> bodies)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        bodies.Add(text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed record Request(string Name, string ClientId, string? ClientSecret, string TokenEndpoint, string Scopes, string AuthenticationMethod, long? Version);
}
