using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Credo.Core.Listeners.Sources.Pop3.Internal;

/// <summary>
/// A POP3 listener's sync state: the set of UIDLs it has processed that the mailbox still held when it last looked,
/// each as a 64-bit hash (eight bytes whatever the UIDL's length), written as <c>p1:</c> and the sorted hashes in base64.
/// Mail deleted from the mailbox drops out of the set at the next listing, so it stays as small as the mailbox. A state
/// written while deleting starts <c>p1d:</c> instead: deletions were marked that only a <c>QUIT</c> applies, so mail of
/// the set that is still there may have been recorded and not yet deleted.
/// </summary>
internal static class Pop3SyncState
{
    private const string Prefix = "p1:";
    private const string DeletingPrefix = "p1d:";

    /// <summary>The hash a UIDL is kept as.</summary>
    public static ulong Hash(string uidl) => BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(uidl)));

    /// <summary>
    /// The UIDL hashes of <paramref name="state"/> (none for a listener that has not listed yet) and whether it was written
    /// while deleting; false for a state this did not write.
    /// </summary>
    public static bool TryParse(string? state, out HashSet<ulong> processed, out bool deleting)
    {
        processed = [];
        deleting = false;
        if (state is null)
        {
            return true;
        }

        deleting = state.StartsWith(DeletingPrefix, StringComparison.Ordinal);
        var prefix = deleting ? DeletingPrefix : Prefix;
        if (!state.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var bytes = new byte[(state.Length - prefix.Length) * 3 / 4];
        if (!Convert.TryFromBase64String(state[prefix.Length..], bytes, out var written) || written % sizeof(ulong) != 0)
        {
            return false;
        }

        for (var i = 0; i < written; i += sizeof(ulong))
        {
            processed.Add(BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i)));
        }

        return true;
    }

    /// <summary>The state of <paramref name="processed"/>; the same set always gives the same text.</summary>
    public static string Format(IEnumerable<ulong> processed, bool deleting)
    {
        var hashes = processed.Distinct().Order().ToArray();
        var bytes = new byte[hashes.Length * sizeof(ulong)];
        for (var i = 0; i < hashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * sizeof(ulong)), hashes[i]);
        }

        return (deleting ? DeletingPrefix : Prefix) + Convert.ToBase64String(bytes);
    }
}
