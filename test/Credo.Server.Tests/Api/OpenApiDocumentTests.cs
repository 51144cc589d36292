using System.Text.Json;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Api;

/// <summary><c>/openapi/v1.json</c>: what a client generator or a reader of the API sees.</summary>
public sealed class OpenApiDocumentTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>
{
    [Fact]
    public async Task The_document_declares_the_API_key_and_every_operation_requires_it()
    {
        using var document = await DocumentAsync();

        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        var header = schemes.GetProperty("ApiKeyHeader");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (header.GetProperty("type").GetString(), header.GetProperty("in").GetString(), header.GetProperty("name").GetString()));
        var bearer = schemes.GetProperty("ApiKeyBearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        var operations = Operations(document).ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, operation =>
        {
            var required = operation.Value.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToHashSet();
            Assert.True(required.SetEquals(["ApiKeyHeader", "ApiKeyBearer"]), operation.Key);
        });
    }

    [Fact]
    public async Task Only_the_API_is_described_and_no_anonymous_type_leaks_into_the_schemas()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(server.BaseAddress, "/openapi/v1.json"), TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/listeners/{id}", paths);
        Assert.All(paths, path => Assert.StartsWith("/api/v1/", path, StringComparison.Ordinal));
        Assert.DoesNotContain("AnonymousType", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enums_are_strings_with_their_names_as_the_API_reads_and_writes_them()
    {
        using var document = await DocumentAsync();

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var method = schemas.GetProperty("ClientAuthenticationMethod");
        Assert.Contains("string", method.GetProperty("type").ToString(), StringComparison.Ordinal);
        Assert.Equal(["ClientSecretBasic", "ClientSecretPost", "PrivateKeyJwt"], method.GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Where(e => e is not null));
        var after = schemas.GetProperty("AfterProcessing");
        Assert.Equal(["MarkRead", "Move", "Delete", "None"], after.GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Where(e => e is not null));
    }

    [Theory]
    [InlineData("/api/v1/listeners", "get", "200 401")]
    [InlineData("/api/v1/listeners", "post", "201 400 401 403")]
    [InlineData("/api/v1/listeners/{id}", "get", "200 401 404")]
    [InlineData("/api/v1/listeners/{id}", "put", "200 400 401 403 404 409")]
    [InlineData("/api/v1/listeners/{id}", "delete", "204 401 403 404")]
    [InlineData("/api/v1/listeners/{id}/poll", "post", "202 401 403 404")]
    [InlineData("/api/v1/listeners/{id}/messages", "get", "200 400 401 410")]
    [InlineData("/api/v1/listeners/{id}/deliveries", "get", "200 400 401")]
    [InlineData("/api/v1/listeners/{id}/deliveries/resend-failed", "post", "202 401 403 404")]
    [InlineData("/api/v1/deliveries/{id}", "get", "200 401 404")]
    [InlineData("/api/v1/deliveries/{id}/resend", "post", "202 401 403 404")]
    [InlineData("/api/v1/credentials", "post", "201 400 401 403")]
    [InlineData("/api/v1/credentials/{id}", "put", "200 400 401 403 404 409")]
    [InlineData("/api/v1/credentials/validate", "post", "200 400 401 403 429")]
    [InlineData("/api/v1/credentials/{id}/validate", "post", "200 401 403 404 429")]
    public async Task Each_operation_documents_its_answers_with_their_shapes(string path, string method, string statuses)
    {
        using var document = await DocumentAsync();

        var responses = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

        Assert.Equal(statuses.Split(' '), responses.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        foreach (var response in responses.EnumerateObject().Where(r => r.Name[0] is '4'))
        {
            var schema = response.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
            Assert.Equal(response.Name == "400" ? "#/components/schemas/HttpValidationProblemDetails" : "#/components/schemas/ProblemDetails", schema);
        }

        if (responses.TryGetProperty("200", out var ok))
        {
            Assert.True(ok.GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _), $"{method} {path} 200 has a body schema.");
        }
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(server.BaseAddress, "/openapi/v1.json"), TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text);
    }

    private static IEnumerable<KeyValuePair<string, JsonElement>> Operations(JsonDocument document) =>
        document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(o => KeyValuePair.Create($"{o.Name} {path.Name}", o.Value)));
}
