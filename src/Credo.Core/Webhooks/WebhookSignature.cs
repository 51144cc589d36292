using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Credo.Core.Webhooks;

/// <summary>
/// Standard Webhooks signing (README "Webhooks"): a secret is <c>whsec_</c> + base64 of the key bytes, and a delivery's
/// <c>webhook-signature</c> is <c>v1,&lt;base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)&gt;</c>, one entry per
/// secret in force, separated by spaces. The verifiers of <c>standardwebhooks</c> and <c>svix</c> accept it unchanged.
/// </summary>
public static class WebhookSignature
{
    /// <summary>What every Standard Webhooks secret begins with.</summary>
    public const string SecretPrefix = "whsec_";

    // The specification's bounds for the key: long enough to resist guessing, short enough for every HMAC library.
    private const int MinKeyBytes = 24;
    private const int MaxKeyBytes = 64;

    /// <summary>A new secret of 32 random bytes, as Credo generates it when none is typed.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Why <paramref name="secret"/> cannot be used as a Standard Webhooks secret, or null when it can.</summary>
    public static string? Problem(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        const string Expected = "A signing secret is whsec_ followed by the base64 of 24 to 64 random bytes (as Standard Webhooks secrets are); "
            + "leave it empty and Credo generates one, shown once.";
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return $"The signing secret does not begin with {SecretPrefix}. {Expected}";
        }

        var key = new byte[secret.Length];
        return !Convert.TryFromBase64String(secret[SecretPrefix.Length..], key, out var length) ? $"The part after {SecretPrefix} is not base64. {Expected}"
            : length is < MinKeyBytes or > MaxKeyBytes ? $"The secret's key is {length} bytes long. {Expected}"
            : null;
    }

    /// <summary>
    /// The HMAC key of <paramref name="secret"/>: the decoded base64 after <c>whsec_</c>. A secret saved before Credo signed
    /// the standard way (no <c>whsec_</c>) keeps working with its UTF-8 bytes as the key, which receivers pass as a raw key.
    /// </summary>
    public static byte[] Key(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.StartsWith(SecretPrefix, StringComparison.Ordinal) && Problem(secret) is null
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>The <c>webhook-signature</c> value: one <c>v1,</c> entry per secret in <paramref name="secrets"/>, in order.</summary>
    public static string Sign(string id, long timestamp, string body, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(secrets);
        var content = Encoding.UTF8.GetBytes(Content(id, timestamp, body));
        return string.Join(' ', secrets.Select(secret => "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), content))));
    }

    /// <summary>
    /// Whether one of the <c>v1</c> entries of <paramref name="signature"/> was made with <paramref name="secret"/> and the
    /// timestamp is within <paramref name="tolerance"/> of <paramref name="now"/> (older ones may be replays).
    /// </summary>
    public static bool Verify(string secret, string id, string timestamp, string body, string signature, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes(Content(id, seconds, body)));
        var given = new byte[expected.Length];
        return signature.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(entry => entry.StartsWith("v1,", StringComparison.Ordinal))
            .Any(entry => Convert.TryFromBase64String(entry[3..], given, out var length) && length == expected.Length
                && CryptographicOperations.FixedTimeEquals(expected, given));
    }

    private static string Content(string id, long timestamp, string body) =>
        string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}.{body}");
}
