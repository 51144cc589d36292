using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Api;

/// <summary>
/// <c>PUT /api/v1/credentials/{id}</c> without <c>clientSecret</c> may not move the stored secret to another Token
/// Endpoint or Client Identifier, so a later <c>POST /{id}/validate</c> cannot send it there.
/// </summary>
public sealed class StoredSecretDestinationApiTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>
{
    private static readonly string Secret = CredoServerFixture.BasicClient.ClientSecret;

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Update_without_the_secret_that_changes_where_it_goes_is_a_400_on_clientSecret_and_validate_still_goes_to_the_saved_endpoint(bool endpoint, bool clientId)
    {
        await using var saved = await InvalidClientEndpointAsync();
        await using var elsewhere = await InvalidClientEndpointAsync();
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        var name = "Destination " + Guid.NewGuid().ToString("N")[..8];
        using var created = await http.PostAsJsonAsync(Url("credentials"), Body(name, Secret, saved.Url("token").ToString()), TestContext.Current.CancellationToken);
        var id = (await ReadAsync(created)).GetProperty("id").GetString();

        var change = Body(name, null, (endpoint ? elsewhere : saved).Url("token").ToString()) with
        {
            ClientId = clientId ? "someone-elses-client" : CredoServerFixture.BasicClient.ClientId,
            Version = 1,
        };
        using var refused = await http.PutAsJsonAsync(Url($"credentials/{id}"), change, TestContext.Current.CancellationToken);
        using var validated = await http.PostAsync(Url($"credentials/{id}/validate"), null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(CredentialRules.RetypeSecret, (await ReadAsync(refused)).GetProperty("errors").GetProperty("clientSecret")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, validated.StatusCode);
        Assert.Equal((1, 0), (saved.Requests, elsewhere.Requests));
    }

    [Fact]
    public async Task Update_with_the_secret_sent_again_moves_the_endpoint_and_the_audit_log_records_old_and_new()
    {
        await using var elsewhere = await InvalidClientEndpointAsync();
        using var http = Client(await server.CreateApiKeyAsync(UserRole.Administrator));
        var name = "Moved " + Guid.NewGuid().ToString("N")[..8];
        var oldEndpoint = server.TokenEndpoint.ToString();
        var newEndpoint = elsewhere.Url("token").ToString();
        using var created = await http.PostAsJsonAsync(Url("credentials"), Body(name, Secret, oldEndpoint), TestContext.Current.CancellationToken);
        var id = (await ReadAsync(created)).GetProperty("id").GetString();

        using var moved = await http.PutAsJsonAsync(Url($"credentials/{id}"), Body(name, Secret, newEndpoint) with { Version = 1 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await using var scope = server.Services.CreateAsyncScope();
        var entry = (await scope.ServiceProvider.GetRequiredService<AuditLog>().ListAsync(50, TestContext.Current.CancellationToken))
            .First(e => e.EntityId == id && e.Action == "update");
        Assert.Contains($"Token Endpoint: {oldEndpoint} → {newEndpoint}", entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, entry.Details, StringComparison.Ordinal);
    }

    /// <summary>A token endpoint on loopback that refuses every client, quickly, and counts what reaches it.</summary>
    private static Task<LoopbackServer> InvalidClientEndpointAsync() =>
        LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");

    private static HttpClient Client(string apiKey)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    private Uri Url(string path) => new(server.BaseAddress, "/api/v1/" + path);

    private static Request Body(string name, string? secret, string tokenEndpoint) =>
        new(name, CredoServerFixture.BasicClient.ClientId, secret, tokenEndpoint, CredoServerFixture.Scope, "ClientSecretBasic", null);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    private sealed record Request(string Name, string ClientId, string? ClientSecret, string TokenEndpoint, string Scopes, string AuthenticationMethod, long? Version);
}
