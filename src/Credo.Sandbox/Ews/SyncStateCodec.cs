using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Credo.Sandbox.Ews;

/// <summary>
/// Sync states that are opaque to clients and detectably invalid: the folder and the change-log position, signed
/// with a key of this sandbox instance. A tampered, foreign or stale state is refused as Exchange refuses it.
/// EWS sync states and Graph's delta and skip tokens are made alike, each codec with its own key.
/// </summary>
internal sealed class SyncStateCodec
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Encode(string folderId, long watermark) =>
        Protect(folderId + "|" + watermark.ToString(CultureInfo.InvariantCulture));

    public bool TryDecode(string state, string folderId, out long watermark)
    {
        watermark = 0;
        if (!TryUnprotect(state, out var text))
        {
            return false;
        }

        var bar = text.LastIndexOf('|');
        return bar > 0 && text[..bar] == folderId && long.TryParse(text.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out watermark);
    }

    /// <summary>Signs <paramref name="payload"/> into an opaque, URL-safe token.</summary>
    public string Protect(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, bytes));
    }

    /// <summary>The payload of a token that <see cref="Protect"/> made with this key; <see langword="false"/> for any other.</summary>
    public bool TryUnprotect(string token, out string payload)
    {
        payload = "";
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, bytes)))
            {
                return false;
            }

            payload = Encoding.UTF8.GetString(bytes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
