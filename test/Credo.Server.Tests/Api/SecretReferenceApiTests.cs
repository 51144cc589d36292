using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Api;

/// <summary>
/// <c>secretReference</c> in the credentials API: a token from the sandbox with the secret read from the server's
/// environment, the reference shown and the value nowhere, a wrong reference a 400 on its field, and the reference
/// asked for again when the destination changes.
/// </summary>
public sealed class SecretReferenceApiTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>, IDisposable
{
    private readonly string _variable = "CREDO_SECRET_API_" + Guid.NewGuid().ToString("N");

    public void Dispose() => Environment.SetEnvironmentVariable(_variable, null);

    [Fact]
    public async Task A_credential_with_an_environment_reference_validates_against_the_sandbox_and_shows_the_reference_never_the_value()
    {
        Environment.SetEnvironmentVariable(_variable, CredoServerFixture.BasicClient.ClientSecret);
        using var http = await ClientAsync();
        using var created = await http.PostAsJsonAsync(Url("credentials"), Body("env:" + _variable), TestContext.Current.CancellationToken);
        var credential = await ReadAsync(created);
        var id = credential.GetProperty("id").GetString();

        using var validated = await http.PostAsync(Url($"credentials/{id}/validate"), null, TestContext.Current.CancellationToken);
        var report = await ReadAsync(validated);
        using var shown = await http.GetAsync(Url($"credentials/{id}"), TestContext.Current.CancellationToken);
        var text = await shown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(report.GetProperty("succeeded").GetBoolean(), report.GetProperty("summary").GetString());
        Assert.Equal($"read from env:{_variable}", report.GetProperty("secretOrigin").GetString());
        Assert.Equal("env:" + _variable, JsonDocument.Parse(text).RootElement.GetProperty("secretReference").GetString());
        Assert.DoesNotContain(CredoServerFixture.BasicClient.ClientSecret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reference_that_does_not_parse_is_a_400_on_secretReference()
    {
        using var http = await ClientAsync();

        using var refused = await http.PostAsJsonAsync(Url("credentials"), Body("the-secret-itself"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("names no secret source", (await ReadAsync(refused)).GetProperty("errors").GetProperty("secretReference")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_the_token_endpoint_without_the_reference_is_a_400_that_asks_for_it()
    {
        using var http = await ClientAsync();
        using var created = await http.PostAsJsonAsync(Url("credentials"), Body("env:" + _variable), TestContext.Current.CancellationToken);
        var id = (await ReadAsync(created)).GetProperty("id").GetString();

        using var refused = await http.PutAsJsonAsync(Url($"credentials/{id}"), Body(null) with { TokenEndpoint = "https://login.example.test/token", Version = 1 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(CredentialRules.RetypeReference, (await ReadAsync(refused)).GetProperty("errors").GetProperty("secretReference")[0].GetString());
    }

    private async Task<HttpClient> ClientAsync()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));
        return http;
    }

    private Uri Url(string path) => new(server.BaseAddress, "/api/v1/" + path);

    private Request Body(string? reference) => new(
        "Referenced " + _variable[^8..], CredoServerFixture.BasicClient.ClientId, reference, server.TokenEndpoint.ToString(), CredoServerFixture.Scope, "ClientSecretBasic", null);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    private sealed record Request(string Name, string ClientId, string? SecretReference, string TokenEndpoint, string Scopes, string AuthenticationMethod, long? Version);
}
