using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Credo.Server.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: the <c>/api/v1</c> operations only (the console's pages, its
/// <c>.eml</c> download and the health endpoints are not the API), each secured by an API key sent as
/// <c>X-Api-Key</c> or as a bearer token, as <see cref="Security.ApiKeyAuthenticationHandler"/> reads it.
/// </summary>
internal static class CredoOpenApi
{
    /// <summary>The security scheme of the <c>X-Api-Key</c> header.</summary>
    public const string ApiKeyHeaderScheme = "ApiKeyHeader";

    /// <summary>The security scheme of <c>Authorization: Bearer credo_...</c>.</summary>
    public const string BearerScheme = "ApiKeyBearer";

    private const string HowToGetAKey = "An API key created in the console (Administration › API keys). A Viewer key reads; changes need an Administrator key.";

    public static IServiceCollection AddCredoOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.ShouldInclude = description =>
                (description.GroupName is null || description.GroupName == options.DocumentName)
                && description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
            // The API reads and writes enums by name (JsonStringEnumConverter): say so, instead of a schema of any type.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
                if (type.IsEnum)
                {
                    schema.Type = type == context.JsonTypeInfo.Type ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                    schema.Enum = [.. Enum.GetNames(type).Select(name => (JsonNode)JsonValue.Create(name))];
                }

                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, _, _) =>
            {
                // The generator fills "servers" from the request's Host header; clients resolve against where they fetched it.
                document.Servers = [];
                document.Info.Title = "Credo API";
                document.Info.Description = "Credentials, Email Listeners, received messages and webhook deliveries. " + HowToGetAKey;
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [ApiKeyHeaderScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey,
                        In = ParameterLocation.Header,
                        Name = "X-Api-Key",
                        Description = HowToGetAKey,
                    },
                    [BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "credo_…",
                        Description = "The same API key as 'Authorization: Bearer <key>'.",
                    },
                };

                // Either scheme will do: two requirements, each of one scheme.
                List<OpenApiSecurityRequirement> security =
                [
                    new() { [new OpenApiSecuritySchemeReference(ApiKeyHeaderScheme, document)] = [] },
                    new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                ];
                foreach (var operation in (document.Paths ?? []).SelectMany(path => path.Value.Operations ?? []).Select(o => o.Value))
                {
                    operation.Security = security;
                }

                return Task.CompletedTask;
            });
        });
}
