using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Credo.Sandbox.Ews;

/// <summary>
/// Sync states that are opaque to clients and detectably invalid: the folder and the change-log position, signed
/// with a key of this sandbox instance. A tampered, foreign or stale state is refused as Exchange refuses it.
/// </summary>
internal sealed class SyncStateCodec
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Encode(string folderId, long watermark)
    {
        var payload = Encoding.UTF8.GetBytes(folderId + "|" + watermark.ToString(CultureInfo.InvariantCulture));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload));
    }

    public bool TryDecode(string state, string folderId, out long watermark)
    {
        watermark = 0;
        var dot = state.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(state.AsSpan(0, dot));
            var signature = Base64Url.DecodeFromChars(state.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
            {
                return false;
            }

            var text = Encoding.UTF8.GetString(payload);
            var bar = text.LastIndexOf('|');
            return bar > 0 && text[..bar] == folderId && long.TryParse(text.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out watermark);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
