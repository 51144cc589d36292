using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Credo.Core.Listeners.Sources.Pop3.Internal;

/// <summary>
/// A POP3 listener's sync state: the set of UIDLs it has processed that the mailbox still held when it last looked,
/// each as a 64-bit hash (eight bytes whatever the UIDL's length), written as <c>p1:</c> and the sorted hashes in base64.
/// Mail deleted from the mailbox drops out of the set at the next listing, so it stays as small as the mailbox.
/// </summary>
internal static class Pop3SyncState
{
    private const string Prefix = "p1:";

    /// <summary>The hash a UIDL is kept as.</summary>
    public static ulong Hash(string uidl) => BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(uidl)));

    /// <summary>The UIDL hashes of <paramref name="state"/> (none for a listener that has not listed yet); false for a state this did not write.</summary>
    public static bool TryParse(string? state, out HashSet<ulong> processed)
    {
        processed = [];
        if (state is null)
        {
            return true;
        }

        if (!state.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var bytes = new byte[(state.Length - Prefix.Length) * 3 / 4];
        if (!Convert.TryFromBase64String(state[Prefix.Length..], bytes, out var written) || written % sizeof(ulong) != 0)
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
    public static string Format(IEnumerable<ulong> processed)
    {
        var hashes = processed.Distinct().Order().ToArray();
        var bytes = new byte[hashes.Length * sizeof(ulong)];
        for (var i = 0; i < hashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * sizeof(ulong)), hashes[i]);
        }

        return Prefix + Convert.ToBase64String(bytes);
    }
}
