using System.Globalization;
using System.Text.Json.Nodes;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>Vault's JSON answers: the response envelope with <c>data</c> or <c>auth</c>, and <c>{"errors":[...]}</c>.</summary>
internal static class VaultResponses
{
    public static JsonObject Errors(params string[] errors) => new() { ["errors"] = new JsonArray([.. errors.Select(e => JsonValue.Create(e))]) };

    public static JsonObject Envelope(JsonNode? data = null, JsonNode? auth = null) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = auth,
    };

    /// <summary><c>data</c> of a KV version 2 read: the key/values and their version's metadata.</summary>
    public static JsonObject SecretData(VaultSecretVersion version)
    {
        var data = new JsonObject();
        foreach (var (key, value) in version.Data)
        {
            data[key] = JsonValue.Create(value);
        }

        return new JsonObject { ["data"] = data, ["metadata"] = Metadata(version) };
    }

    /// <summary>A version's metadata, which is also the <c>data</c> of a KV version 2 write.</summary>
    public static JsonObject Metadata(VaultSecretVersion version) => new()
    {
        ["created_time"] = Time(version.Created),
        ["custom_metadata"] = null,
        ["deletion_time"] = "",
        ["destroyed"] = false,
        ["version"] = version.Version,
    };

    public static JsonObject Auth(VaultToken token, DateTimeOffset now) => new()
    {
        ["client_token"] = token.Id,
        ["accessor"] = token.Accessor,
        ["policies"] = Strings(token.Policies),
        ["token_policies"] = Strings(token.Policies),
        ["metadata"] = Metadata(token),
        ["lease_duration"] = token.TtlSeconds(now),
        ["renewable"] = !token.IsRoot,
        ["entity_id"] = "",
        ["token_type"] = "service",
        ["orphan"] = true,
        ["mfa_requirement"] = null,
        ["num_uses"] = 0,
    };

    /// <summary><c>data</c> of <c>auth/token/lookup-self</c>.</summary>
    public static JsonObject Lookup(VaultToken token, DateTimeOffset now) => new()
    {
        ["accessor"] = token.Accessor,
        ["creation_time"] = token.Issued.ToUnixTimeSeconds(),
        ["creation_ttl"] = (long)token.CreationTtl.TotalSeconds,
        ["display_name"] = token.IsRoot ? "root" : "approle",
        ["entity_id"] = "",
        ["expire_time"] = token.Expires is { } expires ? Time(expires) : null,
        ["explicit_max_ttl"] = 0,
        ["id"] = token.Id,
        ["issue_time"] = Time(token.Issued),
        ["meta"] = Metadata(token),
        ["num_uses"] = 0,
        ["orphan"] = true,
        ["path"] = token.IsRoot ? "auth/token/root" : "auth/approle/login",
        ["policies"] = Strings(token.Policies),
        ["renewable"] = !token.IsRoot,
        ["ttl"] = token.TtlSeconds(now),
        ["type"] = "service",
    };

    // RFC 3339 with nanoseconds, as Vault writes its times.
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    private static JsonObject? Metadata(VaultToken token) => token.RoleId is { } role ? new JsonObject { ["role_name"] = role } : null;

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => JsonValue.Create(v))];
}
