using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Net;
using Credo.Net.Outbound;

namespace Credo.Core.Secrets;

/// <summary>
/// Reads a key of a HashiCorp Vault or OpenBao KV version 2 secret: <c>GET {Address}/v1/{MOUNT}/data/{PATH}</c> with
/// <c>X-Vault-Token</c>, the value at <c>data.data.{KEY}</c> and its version at <c>data.metadata.version</c>. With AppRole it
/// signs in (<c>POST /v1/auth/approle/login</c>) and signs in again before the token's lease ends, or at once when the
/// token is refused.
/// </summary>
internal sealed class VaultSecretReader(OutboundGuard guard, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);

    public async Task<Result<(string, string?, string?), SecretSourceFailure>> ReadAsync(SecretReference reference, VaultSourceOptions options, CancellationToken cancellationToken)
    {
        var vault = $"the Vault \"{reference.Source}\" at {options.Address!.GetLeftPart(UriPartial.Authority)}";
        var client = SourceHttp.Client(_clients, $"{reference.Source}|{options.Address}|{options.TrustedCertificateFile}",
            () => SourceHttp.Create(guard, options.TrustedCertificateFile, $"Credo:SecretSources:Vault:{reference.Source}"), http => http);
        if (!client.Succeeded)
        {
            return client.Error;
        }

        var http = client.Value!;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var token = await TokenAsync(reference.Source, options, http, vault, fresh: attempt > 0, cancellationToken);
                if (!token.Succeeded)
                {
                    return token.Error;
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Address, $"v1/{Escape(reference.Mount)}/data/{Escape(reference.Path)}"));
                Headers(request, options, token.Value);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized && attempt == 0 && !string.IsNullOrEmpty(options.RoleId))
                {
                    continue; // The AppRole token may have ended early (revoked, max TTL): sign in once more.
                }

                return response.StatusCode switch
                {
                    HttpStatusCode.OK => Value(reference, vault, await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)),
                    HttpStatusCode.NotFound => new SecretSourceFailure(SecretSourceFailureKind.NotFound,
                        $"{vault} has no secret {reference.Path} in the mount {reference.Mount} ({reference}).",
                        "Check the mount and path (a KV version 2 secret engine), or write the secret there."),
                    HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new SecretSourceFailure(SecretSourceFailureKind.Refused,
                        $"{vault} refused to let Credo read {reference} (HTTP {(int)response.StatusCode}).",
                        $"Check Credo's token or AppRole, and that its policy allows path \"{reference.Mount}/data/{reference.Path}\" {{ capabilities = [\"read\"] }}."),
                    _ => new SecretSourceFailure(SecretSourceFailureKind.Unreachable,
                        $"{vault} answered HTTP {(int)response.StatusCode} to the read of {reference}{(response.StatusCode == HttpStatusCode.ServiceUnavailable ? " (sealed or in standby)" : "")}.",
                        "Check that the vault is unsealed and healthy; Credo reads it again at the next token request."),
                };
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or OutboundRequestBlockedException && !cancellationToken.IsCancellationRequested)
        {
            return Unreachable(vault, reference, e);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    internal static SecretSourceFailure Unreachable(string source, SecretReference reference, Exception e) => new(
        SecretSourceFailureKind.Unreachable,
        $"{source} could not be reached to read {reference}: {(e is TaskCanceledException ? $"no answer within {SourceHttp.Timeout.TotalSeconds:0} s" : e is JsonException ? "its answer was not the JSON expected" : Innermost(e).Message.TrimEnd('.'))}.",
        "Check the address, the network path and the vault's TLS certificate (Credo:SecretSources); Credo reads it again at the next token request.");

    // The cause a person can act on (a refused connection, an untrusted certificate), not the wrappers around it.
    private static Exception Innermost(Exception e) => (e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[^1] : e).GetBaseException();

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static void Headers(HttpRequestMessage request, VaultSourceOptions options, string? token)
    {
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (!string.IsNullOrWhiteSpace(options.Namespace))
        {
            request.Headers.Add("X-Vault-Namespace", options.Namespace);
        }
    }

    private static Result<(string, string?, string?), SecretSourceFailure> Value(SecretReference reference, string vault, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("data", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.Unusable, $"{vault} answered the read of {reference} without data.data: is {reference.Mount} a KV version 2 mount?",
                "Credo reads KV version 2 secrets; enable the mount with version 2 (vault secrets enable -version=2 kv).");
        }

        if (!values.TryGetProperty(reference.Key!, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.KeyMissing, $"The secret {reference.Mount}/{reference.Path} in {vault} has no text key \"{reference.Key}\" ({reference}).",
                "Check the key after # in the reference, or add that key to the secret.");
        }

        var version = data.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return (value.GetString()!, version, null);
    }

    private async Task<Result<string?, SecretSourceFailure>> TokenAsync(string source, VaultSourceOptions options, HttpClient http, string vault, bool fresh, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            return Result.Success<string?>(options.Token);
        }

        if (!string.IsNullOrEmpty(options.TokenFile))
        {
            var file = await ReadFileAsync(options.TokenFile, vault, "TokenFile", cancellationToken);
            return file.Succeeded ? Result.Success<string?>(file.Value) : file.Error!;
        }

        if (string.IsNullOrEmpty(options.RoleId) || string.IsNullOrEmpty(options.SecretIdFile))
        {
            return new SecretSourceFailure(SecretSourceFailureKind.NotConfigured, $"{vault} has no way to sign in configured.",
                $"Set Credo:SecretSources:Vault:{source}:Token, TokenFile, or RoleId with SecretIdFile (AppRole).");
        }

        var now = time.GetUtcNow();
        if (!fresh && _tokens.TryGetValue(source, out var known) && now < known.RenewAt)
        {
            return Result.Success<string?>(known.Token);
        }

        var secretId = await ReadFileAsync(options.SecretIdFile, vault, "SecretIdFile", cancellationToken);
        if (!secretId.Succeeded)
        {
            return secretId.Error;
        }

        using var login = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Address!, "v1/auth/approle/login"))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["role_id"] = options.RoleId, ["secret_id"] = secretId.Value! }),
        };
        Headers(login, options, null);
        using var response = await http.SendAsync(login, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.Refused, $"{vault} refused Credo's AppRole sign-in (HTTP {(int)response.StatusCode}).",
                $"Check Credo:SecretSources:Vault:{source}:RoleId and the secret id in SecretIdFile (a secret id may have expired or been used up).");
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("auth", out var auth) || auth.ValueKind != JsonValueKind.Object
            || !auth.TryGetProperty("client_token", out var issued) || issued.GetString() is not { Length: > 0 } token)
        {
            throw new JsonException("The AppRole sign-in answered without auth.client_token.");
        }

        var lease = auth.TryGetProperty("lease_duration", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt64() : 0;
        // Sign in again when two thirds of the lease are gone, so a token is never used near its end.
        _tokens[source] = (token, lease > 0 ? now + TimeSpan.FromSeconds(lease * 2 / 3.0) : now);
        return Result.Success<string?>(token);
    }

    private static async Task<Result<string, SecretSourceFailure>> ReadFileAsync(string path, string vault, string setting, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.NotConfigured, $"The {setting} {path} of {vault} cannot be read ({e.GetType().Name}).",
                "Check that the file exists and that the user the Credo server runs as can read it.");
        }
    }
}
