using System.Buffers.Text;
using System.Text.Json;

namespace Credo.OAuth;

/// <summary>
/// The claims of a JWT access token that help an administrator check a registration (audience, roles,
/// scopes, expiry). Read without validating the signature: Credo is the client, not the resource.
/// </summary>
public sealed class JwtClaims
{
    private JwtClaims(string? issuer, IReadOnlyList<string> audiences, IReadOnlyList<string> roles, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt)
    {
        Issuer = issuer;
        Audiences = audiences;
        Roles = roles;
        Scopes = scopes;
        ExpiresAt = expiresAt;
    }

    /// <summary><c>iss</c>.</summary>
    public string? Issuer { get; }

    /// <summary><c>aud</c>, a string or an array.</summary>
    public IReadOnlyList<string> Audiences { get; }

    /// <summary><c>roles</c> (application permissions in Microsoft Entra).</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary><c>scp</c> or <c>scope</c>, split on spaces.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary><c>exp</c>.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Reads the payload of a compact JWS (three base64url segments); <see langword="null"/> for anything else.</summary>
    public static JwtClaims? TryRead(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.IndexOf('.', second + 1) >= 0 || second - first > 64 * 1024)
        {
            return null;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(token.AsSpan(first + 1, second - first - 1));
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new JwtClaims(
                root.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String ? iss.GetString() : null,
                StringOrArray(root, "aud"),
                StringOrArray(root, "roles"),
                SpaceSeparated(root, "scp") is { Length: > 0 } scp ? scp : SpaceSeparated(root, "scope"),
                root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300800
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string[] StringOrArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)],
            _ => [],
        };
    }

    private static string[] SpaceSeparated(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : StringOrArray(root, name);
}
