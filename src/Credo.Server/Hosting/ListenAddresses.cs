using System.Net;
using System.Net.Sockets;

namespace Credo.Server.Hosting;

/// <summary>
/// Whether the addresses of <c>--urls</c> can be bound, checked before anything is created or printed, so that a busy
/// port is one line that names the address and the fix rather than a stack trace after the first start's output.
/// </summary>
internal static class ListenAddresses
{
    private const int SuggestionsTried = 20;

    /// <summary>The first address of <paramref name="urls"/> (separated by <c>;</c>) that cannot be bound, as a line for the user; null when all can.</summary>
    public static string? Problem(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(url) is not { } address || address.Port == 0)
            {
                // Port 0 is any free port; a Unix socket or a malformed URL is Kestrel's to report.
                continue;
            }

            if (TryBind(address.Host, address.Port) is { } error)
            {
                return Describe(url, address, error);
            }
        }

        return null;
    }

    /// <summary>The line for an address Kestrel failed to bind although it looked free a moment before (another process took it).</summary>
    public static string InUse(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => (Url: url, Address: Parse(url)))
            .Where(u => u.Address is { Port: > 0 })
            .Select(u => TryBind(u.Address!.Value.Host, u.Address.Value.Port) is { } error ? Describe(u.Url, u.Address!.Value, error) : null)
            .FirstOrDefault(line => line is not null)
            ?? $"Cannot listen on {urls}: the address is in use. Choose another with --urls.";

    private static string Describe(string url, (string Scheme, string Host, int Port) address, SocketError error)
    {
        var reason = error switch
        {
            SocketError.AddressAlreadyInUse => "the address is in use",
            SocketError.AccessDenied => "this user may not listen on that port",
            SocketError.AddressNotAvailable => "the address is not one of this machine's",
            _ => $"the system refused ({error})",
        };
        var suggestion = error == SocketError.AddressNotAvailable
            ? $"{address.Scheme}://127.0.0.1:{address.Port}"
            : FreePortAfter(address.Host, address.Port) is { } free ? $"{address.Scheme}://{address.Host}:{free}" : $"{address.Scheme}://127.0.0.1:0";
        return $"Cannot listen on {url}: {reason}. Choose another address with --urls, e.g. --urls {suggestion}";
    }

    private static int? FreePortAfter(string host, int port)
    {
        for (var candidate = port + 1; candidate <= Math.Min(port + SuggestionsTried, IPEndPoint.MaxPort); candidate++)
        {
            if (TryBind(host, candidate) is null)
            {
                return candidate;
            }
        }

        return null;
    }

    private static (string Scheme, string Host, int Port)? Parse(string url)
    {
        try
        {
            var binding = BindingAddress.Parse(url);
            return binding.IsUnixPipe || binding.IsNamedPipe ? null : (binding.Scheme, binding.Host, binding.Port);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // As Kestrel binds: an IP address as it is, localhost as IPv4 loopback (IPv6 loopback is optional there), and any
    // other host (*, +, a name) as every address, IPv6 with IPv4 where the system has it.
    private static SocketError? TryBind(string host, int port)
    {
        var ip = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed
            : Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (ip.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        try
        {
            socket.Bind(new IPEndPoint(ip, port));
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
