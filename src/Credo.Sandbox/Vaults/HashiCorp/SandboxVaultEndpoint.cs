using System.Globalization;
using System.Text.Json.Nodes;
using Credo.Sandbox.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>
/// <c>/v1</c>: the Vault HTTP API a KV version 2 client uses, answered as Vault answers: AppRole login, the token's
/// <c>renew-self</c> and <c>lookup-self</c>, and secret reads and writes at <c>{mount}/data/{path}</c>. The token comes in
/// <c>X-Vault-Token</c> (or as a bearer token); <c>X-Vault-Namespace</c> is accepted and ignored. A sealed vault
/// (<see cref="SandboxVault.Unavailable"/>) answers nothing but 503.
/// </summary>
internal sealed class SandboxVaultEndpoint(SandboxVault vault, ILogger<SandboxVaultEndpoint> logger)
{
    public const string Path = "/v1";
    private const int MaxRequestBytes = 1024 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var (status, body) = await AnswerAsync(context);
        if (status >= 400)
        {
            Log.VaultRequestRefused(logger, context.Request.Method, context.Request.Path.ToString(), status);
        }

        await VaultHttp.WriteAsync(context, status, body, "application/json");
    }

    private async Task<(int Status, JsonNode Body)> AnswerAsync(HttpContext context)
    {
        if (vault.Unavailable)
        {
            return (503, VaultResponses.Errors("Vault is sealed"));
        }

        var method = context.Request.Method;
        var route = context.Request.Path.Value![Path.Length..].Trim('/');
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            return (413, VaultResponses.Errors("http: request body too large"));
        }

        var request = await VaultHttp.ReadObjectAsync(context, MaxRequestBytes);
        if (route == "auth/approle/login")
        {
            return HttpMethods.IsPost(method) || HttpMethods.IsPut(method) ? Login(request) : Unsupported();
        }

        var token = vault.FindToken(TokenOf(context.Request));
        if (token is null)
        {
            return (403, VaultResponses.Errors("permission denied"));
        }

        var now = vault.Now;
        switch (route)
        {
            case "auth/token/lookup-self":
                return HttpMethods.IsGet(method) || HttpMethods.IsPost(method) ? (200, VaultResponses.Envelope(data: VaultResponses.Lookup(token, now))) : Unsupported();
            case "auth/token/renew-self":
                if (!HttpMethods.IsPost(method) && !HttpMethods.IsPut(method))
                {
                    return Unsupported();
                }

                if (token.IsRoot)
                {
                    return (400, VaultResponses.Errors("lease is not renewable"));
                }

                if (!TryParseDuration(request?["increment"], out var increment))
                {
                    return (400, VaultResponses.Errors("invalid increment"));
                }

                token.Renew(increment ?? vault.TokenTtl, now);
                return (200, VaultResponses.Envelope(auth: VaultResponses.Auth(token, now)));
        }

        var dataAt = route.IndexOf("/data/", StringComparison.Ordinal);
        if (dataAt <= 0 || !vault.HasMount(route[..dataAt]) || route.Length == dataAt + "/data/".Length)
        {
            return (404, VaultResponses.Errors($"no handler for route \"{route}\". route entry not found."));
        }

        var (mount, path) = (route[..dataAt], route[(dataAt + "/data/".Length)..]);
        if (HttpMethods.IsGet(method))
        {
            return Read(mount, path, context.Request.Query["version"]);
        }

        return HttpMethods.IsPost(method) || HttpMethods.IsPut(method) ? Write(mount, path, request) : Unsupported();
    }

    private (int, JsonNode) Login(JsonObject? request)
    {
        var roleId = Text(request?["role_id"]);
        if (string.IsNullOrEmpty(roleId))
        {
            return (400, VaultResponses.Errors("missing role_id"));
        }

        if (vault.Login(roleId, Text(request?["secret_id"])) is not { } token)
        {
            return (400, VaultResponses.Errors("invalid role or secret ID"));
        }

        return (200, VaultResponses.Envelope(auth: VaultResponses.Auth(token, vault.Now)));
    }

    private (int, JsonNode) Read(string mount, string path, string? versionText)
    {
        int? version = null;
        if (!string.IsNullOrEmpty(versionText))
        {
            if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return (400, VaultResponses.Errors("invalid version"));
            }

            version = number;
        }

        vault.CountRead();
        return vault.Secret(mount, path, create: false)?.Read(version) is { } found
            ? (200, VaultResponses.Envelope(data: VaultResponses.SecretData(found)))
            : (404, VaultResponses.Errors());
    }

    private (int, JsonNode) Write(string mount, string path, JsonObject? request)
    {
        if (request?["data"] is not JsonObject data)
        {
            return (400, VaultResponses.Errors("no data provided"));
        }

        int? cas = null;
        if (request["options"]?["cas"] is JsonValue casValue)
        {
            if (!casValue.TryGetValue<int>(out var number))
            {
                return (400, VaultResponses.Errors("check-and-set parameter must be a number"));
            }

            cas = number;
        }

        var values = data.ToDictionary(p => p.Key, p => VaultSecret.Json(p.Value), StringComparer.Ordinal);
        if (vault.Secret(mount, path, create: true)!.Write(values, cas, vault.Now) is not { } written)
        {
            return (400, VaultResponses.Errors("check-and-set parameter did not match the current version"));
        }

        vault.CountWrite();
        return (200, VaultResponses.Envelope(data: VaultResponses.Metadata(written)));
    }

    private static (int, JsonNode) Unsupported() => (405, VaultResponses.Errors("1 error occurred:\n\t* unsupported operation\n\n"));

    private static string? TokenOf(HttpRequest request)
    {
        var token = request.Headers["X-Vault-Token"].ToString();
        if (token.Length > 0)
        {
            return token;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A duration as Vault takes it: seconds as a number or a string, or a string such as <c>30m</c> or <c>1h</c>.</summary>
    private static bool TryParseDuration(JsonNode? node, out TimeSpan? duration)
    {
        duration = null;
        if (node is null)
        {
            return true;
        }

        if (node is JsonValue number && number.TryGetValue<long>(out var seconds))
        {
            duration = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
            return seconds >= 0;
        }

        var text = Text(node)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return text is not null;
        }

        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86_400, _ => 0 };
        var digits = unit == 0 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        duration = count > 0 ? TimeSpan.FromSeconds(count * Math.Max(unit, 1)) : null;
        return true;
    }
}
