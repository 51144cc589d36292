using System.Globalization;
using System.Text.Json;
using Credo.Net;

namespace Credo.OAuth.Internal;

/// <summary>
/// Turns an HTTP answer of a token endpoint into a <see cref="Result{AccessToken, TokenFailure}"/> (RFC 6749 §5.1, §5.2),
/// tolerant where real servers differ: <c>expires_in</c> as number or string, missing <c>expires_in</c>,
/// <c>token_type</c> in any case, JSON errors under any content type.
/// </summary>
internal static class TokenResponseParser
{
    internal readonly record struct Answer(int StatusCode, string? ContentType, ReadOnlyMemory<byte> Body, bool BodyTooLarge, TimeSpan? RetryAfter);

    public static Result<AccessToken, TokenFailure> Parse(in Answer answer, ClientCredentials credentials, DateTimeOffset now, TokenClientOptions options)
    {
        var endpoint = TokenFailures.Display(credentials.TokenEndpoint);
        if (answer.BodyTooLarge)
        {
            return TokenFailures.NotOAuth(answer, endpoint, $"a body larger than {options.MaxResponseBytes / 1024} KiB");
        }

        using var document = TryParseObject(answer.Body.Span);
        if (document is null)
        {
            return TokenFailures.NotOAuth(answer, endpoint, answer.Body.IsEmpty ? "an empty body" : null);
        }

        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            return TokenFailures.OAuthError(answer, credentials, endpoint,
                error.GetString()!, GetString(root, "error_description"), GetString(root, "error_uri"));
        }

        if (answer.StatusCode is < 200 or > 299)
        {
            return TokenFailures.NotOAuth(answer, endpoint, null);
        }

        if (GetString(root, "access_token") is not { Length: > 0 } token)
        {
            return TokenFailures.InvalidTokenResponse(answer, endpoint, "has no access_token");
        }

        if (token.AsSpan().ContainsAnyExceptInRange('\u0021', '\u007e'))
        {
            return TokenFailures.InvalidTokenResponse(answer, endpoint, "has an access_token with characters that cannot be sent in an Authorization header");
        }

        var tokenType = GetString(root, "token_type");
        if (!string.Equals(tokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return TokenFailures.InvalidTokenResponse(answer, endpoint, tokenType is null
                ? "has no token_type (Credo needs Bearer)"
                : $"has token_type \"{TokenFailures.Sanitize(tokenType, 40)}\"; Credo supports only Bearer tokens");
        }

        var (expiresAt, source) = ReadExpiry(root, token, now, options.DefaultLifetime);
        var scope = GetString(root, "scope");
        return Result.Success(new AccessToken(token, now, expiresAt, source, string.IsNullOrWhiteSpace(scope) ? null : scope));
    }

    private static (DateTimeOffset ExpiresAt, LifetimeSource Source) ReadExpiry(JsonElement root, string token, DateTimeOffset now, TimeSpan defaultLifetime)
    {
        if (root.TryGetProperty("expires_in", out var expiresIn) && TryReadSeconds(expiresIn, out var seconds))
        {
            return (now.AddSeconds(seconds), LifetimeSource.ExpiresIn);
        }

        if (JwtClaims.TryRead(token)?.ExpiresAt is { } exp && exp > now)
        {
            return (exp, LifetimeSource.JwtExpClaim);
        }

        return (now + defaultLifetime, LifetimeSource.Default);
    }

    // A lifetime must be positive and below ten years to be believed; anything else counts as missing.
    private static bool TryReadSeconds(JsonElement value, out double seconds)
    {
        seconds = 0;
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out seconds),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds),
            _ => false,
        };
        return ok && seconds is > 0 and < 315_360_000;
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonDocument? TryParseObject(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            trimmed = trimmed[3..];
        }

        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(trimmed.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
