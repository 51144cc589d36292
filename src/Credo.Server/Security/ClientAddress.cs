using System.Net;
using System.Net.Sockets;

namespace Credo.Server.Security;

/// <summary>The address a request came from, as the audit log and the sign-in throttle see it.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The remote address (the original client's behind a reverse proxy once forwarded headers are honoured), with an
    /// IPv4 address mapped into IPv6 shown as IPv4.
    /// </summary>
    public static IPAddress? Of(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : context.Connection.RemoteIpAddress;

    /// <summary>
    /// The key a client is throttled by: an IPv4 address, or an IPv6 /64 network, because one host is usually given
    /// a whole /64 and could otherwise try from endless addresses.
    /// </summary>
    public static string ThrottleKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
