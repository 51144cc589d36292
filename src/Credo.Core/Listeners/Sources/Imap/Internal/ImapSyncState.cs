using System.Globalization;

namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>
/// The sync state <c>v1:&lt;uidvalidity&gt;:&lt;uid&gt;</c> (the folder's UIDVALIDITY and the highest UID listed) and the
/// item id <c>imap:&lt;uidvalidity&gt;:&lt;uid&gt;</c>, which stays unique when a recreated folder reuses UIDs.
/// </summary>
internal readonly record struct ImapSyncState(uint UidValidity, uint Uid)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"v1:{UidValidity}:{Uid}");

    public static string ItemId(uint uidValidity, uint uid) => string.Create(CultureInfo.InvariantCulture, $"imap:{uidValidity}:{uid}");

    public static bool TryParse(string? text, out ImapSyncState state) => TryParse(text, "v1:", out state);

    public static bool TryParseItemId(string? text, out ImapSyncState item) => TryParse(text, "imap:", out item);

    private static bool TryParse(string? text, string prefix, out ImapSyncState state)
    {
        state = default;
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[prefix.Length..].Split(':');
        if (parts.Length == 2
            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
        {
            state = new ImapSyncState(validity, uid);
            return true;
        }

        return false;
    }
}
