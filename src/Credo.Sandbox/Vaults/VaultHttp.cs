using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Credo.Sandbox.Vaults;

/// <summary>What the two vault endpoints and their control APIs share: JSON bodies in and out, and the fault switch.</summary>
internal static class VaultHttp
{
    /// <summary>The request's JSON object, or <see langword="null"/> when the body is empty, too large, not JSON or not an object.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpContext context, int maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return null;
        }

        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            // The operation then says what it is missing.
            return null;
        }
    }

    public static async Task WriteAsync(HttpContext context, int status, JsonNode body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    /// <summary><c>POST {group}/fault</c> makes the vault stop answering; <c>DELETE {group}/fault</c> makes it answer again.</summary>
    public static void MapFaultSwitch(this RouteGroupBuilder group, Action<IServiceProvider, bool> setUnavailable)
    {
        group.MapPost("/fault", (HttpContext context) => Switch(context, setUnavailable, true));
        group.MapDelete("/fault", (HttpContext context) => Switch(context, setUnavailable, false));
    }

    private static IResult Switch(HttpContext context, Action<IServiceProvider, bool> setUnavailable, bool unavailable)
    {
        setUnavailable(context.RequestServices, unavailable);
        return Results.NoContent();
    }
}
