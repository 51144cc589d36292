using System.Globalization;
using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph;

/// <summary>
/// The opaque, signed state behind <c>$skiptoken</c> and <c>$deltatoken</c>: which kind, the folder, the change-log
/// position and the <c>$select</c> of the round (so the links need not repeat it, as Graph's do not).
/// </summary>
internal readonly record struct DeltaToken(long Watermark, string? Select)
{
    public const char Skip = 's';
    public const char Delta = 'd';

    public static string Write(SyncStateCodec codec, char kind, string folderId, long watermark, string? select) =>
        codec.Protect(string.Join('|', kind.ToString(), folderId, watermark.ToString(CultureInfo.InvariantCulture), select ?? ""));

    public static bool TryRead(SyncStateCodec codec, char kind, string text, string folderId, out DeltaToken token)
    {
        token = default;
        if (!codec.TryUnprotect(text, out var payload))
        {
            return false;
        }

        var parts = payload.Split('|', 4);
        if (parts.Length != 4 || parts[0] != kind.ToString() || parts[1] != folderId
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var watermark))
        {
            return false;
        }

        token = new DeltaToken(watermark, parts[3].Length == 0 ? null : parts[3]);
        return true;
    }
}
