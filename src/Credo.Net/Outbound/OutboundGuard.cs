using System.Net;
using System.Net.Sockets;
using Credo.Net.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Net.Outbound;

/// <summary>
/// Enforces <see cref="OutboundOptions"/> where it cannot be bypassed: in the connect callback of the
/// <see cref="SocketsHttpHandler"/> that every outbound client uses. The host is resolved once, every
/// address is checked, and the socket connects only to the checked addresses, so a DNS answer that
/// changes between check and use (rebinding) cannot slip through. Always refused: this host's unspecified
/// addresses (<c>0.0.0.0/8</c>, <c>::</c>), link-local <c>169.254.0.0/16</c> and <c>fe80::/10</c>, the cloud
/// metadata addresses outside them (<c>fd00:ec2::254</c>, <c>100.100.100.200</c>, <c>192.0.0.192</c>), NAT64
/// local-use <c>64:ff9b:1::/48</c> and Teredo <c>2001::/32</c>. An IPv6 address that carries an IPv4 address
/// (IPv4-mapped, IPv4-compatible, NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) is refused when that IPv4
/// address is, since a connection to it reaches the IPv4 host.
/// </summary>
public sealed class OutboundGuard
{
    // 0.0.0.0/8 and :: connect to this host on Linux, past a block of 127.0.0.0/8 and ::1.
    // Metadata services outside link-local: AWS over IPv6, Alibaba Cloud, Oracle Cloud.
    // The translation prefixes below are refused whole, because the IPv4 address they reach is not found at one
    // fixed place: NAT64 local-use (RFC 8215) lets the operator choose the prefix length, so the address may sit
    // anywhere after bit 48; Teredo (RFC 4380) carries a server address and an obfuscated (inverted) client address.
    private static readonly IPNetwork[] AlwaysBlocked =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("100.100.100.200/32"),
        IPNetwork.Parse("192.0.0.192/32"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fd00:ec2::254/128"),
        IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("2001::/32"),
    ];

    private readonly IHostAddressResolver _resolver;
    private readonly ILogger<OutboundGuard> _logger;
    private readonly bool _allowHttp;
    private readonly IPNetwork[] _blocked;
    private readonly string[] _allowedHosts;

    /// <summary>Creates the guard; throws <see cref="OptionsValidationException"/> for an unparsable network.</summary>
    public OutboundGuard(IOptions<OutboundOptions> options, IHostAddressResolver resolver, ILogger<OutboundGuard> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _resolver = resolver;
        _logger = logger;
        _allowHttp = options.Value.AllowHttp;
        _blocked = [.. AlwaysBlocked, .. options.Value.BlockedNetworks.Select(ParseNetwork)];
        _allowedHosts = [.. options.Value.AllowedHosts.Select(h => h.Trim()).Where(h => h.Length > 0)];
    }

    /// <summary>
    /// Longest wait for a TCP connection to a server: a host that does not answer fails the request in seconds (and so a
    /// listener shows Error within one poll) instead of waiting for the request's whole timeout.
    /// </summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A handler for outbound HTTP: no redirects, no proxy (so the check applies to the real destination),
    /// no cookies, the guarded connect callback and <see cref="ConnectTimeout"/>.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectTimeout = ConnectTimeout,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = ConnectAsync,
    };

    /// <summary>Checks the destination of <paramref name="context"/> and connects to the checked addresses only.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveCheckedAsync(host, context.InitialRequestMessage.RequestUri?.Scheme, cancellationToken);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks a destination when it is saved, as connecting will check it: why the policy refuses <paramref name="url"/>,
    /// or null when it allows it. A name that does not resolve now is not refused here (the connection reports it).
    /// </summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            await ResolveCheckedAsync(url.IdnHost, url.Scheme, cancellationToken);
            return null;
        }
        catch (OutboundRequestBlockedException blocked)
        {
            return $"Credo does not connect to {url.Host}: {blocked.Reason}.";
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    /// <summary>Resolves <paramref name="host"/> and returns its addresses when every one is allowed; otherwise throws <see cref="OutboundRequestBlockedException"/>.</summary>
    public async Task<IPAddress[]> ResolveCheckedAsync(string host, string? scheme, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (_allowedHosts.Length > 0 && !_allowedHosts.Any(pattern => HostMatches(host, pattern)))
        {
            throw Refuse(host, "the host is not in Credo:Outbound:AllowedHosts");
        }

        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await _resolver.ResolveAsync(host, cancellationToken);

        foreach (var address in addresses)
        {
            var embedded = EmbeddedIPv4.Of(address);
            foreach (var network in _blocked)
            {
                if (network.Contains(address) || (embedded is not null && network.Contains(embedded)))
                {
                    var destination = embedded is null ? $"{address}" : $"{address}, which carries {embedded},";
                    throw Refuse(host, $"it resolves to {destination} in the blocked network {network} (this host's unspecified address, link-local, cloud metadata, an IPv6 translation prefix or Credo:Outbound:BlockedNetworks)");
                }
            }
        }

        if (string.Equals(scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) && !_allowHttp &&
            !addresses.All(a => IPAddress.IsLoopback(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)))
        {
            throw Refuse(host, "plain http is allowed only to loopback addresses (set Credo:Outbound:AllowHttp=true to allow it elsewhere)");
        }

        return addresses;
    }

    private OutboundRequestBlockedException Refuse(string host, string reason)
    {
        Log.OutboundBlocked(_logger, host, reason);
        return new OutboundRequestBlockedException(host, reason);
    }

    private static bool HostMatches(string host, string pattern) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(pattern, StringComparison.OrdinalIgnoreCase);

    private static IPNetwork ParseNetwork(string cidr) =>
        IPNetwork.TryParse(cidr.Trim(), out var network)
            ? network
            : throw new OptionsValidationException(
                OutboundOptions.SectionName,
                typeof(OutboundOptions),
                [$"Credo:Outbound:BlockedNetworks has \"{cidr}\", which is not a network in CIDR notation such as 10.0.0.0/8 or fd00::/8."]);
}
