using System.Text.Json.Nodes;
using Credo.Sandbox.Internal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Credo.Sandbox.Vaults.KeyVault;

/// <summary>
/// <c>/secrets</c>: get a secret (its latest version or a given one) and set a new version, answered as Azure Key Vault
/// answers (any <c>api-version</c>): a request without a token gets <c>401</c> with Key Vault's bearer challenge, which
/// names the sandbox's authority and tenant and the resource <c>https://vault.azure.net</c>; the token is checked
/// (signature, issuer, audience, expiry), then whether its client may read secrets.
/// </summary>
internal sealed class SandboxKeyVaultEndpoint(SandboxKeyVault vault, ILogger<SandboxKeyVaultEndpoint> logger)
{
    public const string Path = "/secrets";
    private const int MaxRequestBytes = 256 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var (status, body) = await AnswerAsync(context);
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{vault.Uri.AbsoluteUri}{SandboxServer.TenantId}\", resource=\"{SandboxKeyVault.Resource}\"";
        }

        if (status >= 400)
        {
            Log.KeyVaultRequestRefused(logger, context.Request.Method, context.Request.Path.ToString(), status, body["error"]?["code"]?.GetValue<string>() ?? "");
        }

        await VaultHttp.WriteAsync(context, status, body, "application/json; charset=utf-8");
    }

    private async Task<(int Status, JsonObject Body)> AnswerAsync(HttpContext context)
    {
        if (vault.Unavailable)
        {
            return (503, KeyVaultResponses.Error("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."));
        }

        if (await AuthorizeAsync(context) is { } refusal)
        {
            return refusal;
        }

        var segments = context.Request.Path.Value![Path.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var name = segments.Length is 1 or 2 ? segments[0] : null;
        if (!SandboxKeyVault.IsValidName(name))
        {
            return (400, KeyVaultResponses.Error("BadParameter", "The request URI contains an invalid name: " + string.Join('/', segments)));
        }

        var version = segments.Length == 2 ? segments[1] : null;
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            vault.CountRead();
            return vault.Find(name, version) is { } found
                ? (200, KeyVaultResponses.Bundle(found, vault.Uri))
                : (404, KeyVaultResponses.NotFound(name, version));
        }

        if (!HttpMethods.IsPut(method) || version is not null)
        {
            return (405, KeyVaultResponses.Error("BadParameter", $"The method {method} is not allowed on this resource."));
        }

        var request = await VaultHttp.ReadObjectAsync(context, MaxRequestBytes);
        if (request?["value"] is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return (400, KeyVaultResponses.Error("BadParameter", "Property value is required and must be a string."));
        }

        var contentType = request["contentType"] is JsonValue type && type.TryGetValue<string>(out var typeText) ? typeText : null;
        vault.SetSecret(name, text, contentType);
        return (200, KeyVaultResponses.Bundle(vault.Find(name, null)!, vault.Uri));
    }

    private async Task<(int, JsonObject)?> AuthorizeAsync(HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(context.Request.Headers.Authorization))
        {
            return (401, KeyVaultResponses.Error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."));
        }

        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            return (401, KeyVaultResponses.Error("Unauthorized", "AKV10032: Invalid issuer, signature or expiry of the token."));
        }

        if (!result.Principal.HasAudience(SandboxKeyVault.Resource))
        {
            return (401, KeyVaultResponses.Error("Unauthorized", $"AKV10022: Invalid audience. Expected {SandboxKeyVault.Resource}, found: {string.Join(", ", result.Principal.GetAudiences())}."));
        }

        var client = result.Principal.FindFirst("appid")?.Value ?? result.Principal.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        return vault.Refuses(client)
            ? (403, KeyVaultResponses.Error("Forbidden", $"Caller is not authorized to perform action on resource.\r\nCaller: appid={client}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'", "ForbiddenByRbac"))
            : null;
    }
}
