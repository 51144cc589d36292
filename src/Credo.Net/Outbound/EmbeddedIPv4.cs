using System.Net;
using System.Net.Sockets;

namespace Credo.Net.Outbound;

/// <summary>
/// The IPv4 address that an IPv6 address carries and that a connection to it reaches through the host's
/// dual stack or a translator on the path: IPv4-mapped <c>::ffff:0:0/96</c>, IPv4-compatible <c>::/96</c>,
/// NAT64 <c>64:ff9b::/96</c> and 6to4 <c>2002::/16</c>.
/// </summary>
internal static class EmbeddedIPv4
{
    /// <summary>The embedded IPv4 address of <paramref name="address"/>, or <see langword="null"/> when it carries none.</summary>
    public static IPAddress? Of(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xff && bytes[11] == 0xff)
        {
            return new IPAddress(bytes[12..]);
        }

        // ::1 is IPv6 loopback, not the IPv4-compatible form of 0.0.0.1; :: is refused on its own.
        if (bytes[..12].IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any))
        {
            return new IPAddress(bytes[12..]);
        }

        if (bytes[..4].SequenceEqual(Nat64Prefix) && bytes[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(bytes[12..]);
        }

        return bytes[0] == 0x20 && bytes[1] == 0x02 ? new IPAddress(bytes[2..6]) : null;
    }

    private static ReadOnlySpan<byte> Nat64Prefix => [0x00, 0x64, 0xff, 0x9b];
}
