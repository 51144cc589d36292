namespace Credo.Net.Outbound;

/// <summary>
/// Where Credo may send requests (token endpoints, EWS, webhooks). Bound from <c>Credo:Outbound</c>.
/// The unspecified addresses (<c>0.0.0.0/8</c>, <c>::</c>), link-local and cloud-metadata addresses, NAT64 local-use
/// <c>64:ff9b:1::/48</c> and Teredo <c>2001::/32</c> are always refused, and so is an IPv6 address that carries a
/// refused IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4); these settings can only refuse more.
/// </summary>
public sealed class OutboundOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Outbound";

    /// <summary>
    /// Allow plain <c>http</c> to hosts other than loopback. Default <see langword="false"/>: credentials
    /// and tokens then only travel over TLS, except to 127.0.0.0/8, ::1 and localhost.
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Further networks to refuse, in CIDR notation (<c>10.0.0.0/8</c>, <c>fd00::/8</c>), checked against
    /// every address a host name resolves to; an IPv4 network also refuses the IPv6 forms that carry its
    /// addresses. Default: none beyond the built-in list.
    /// </summary>
    public IList<string> BlockedNetworks { get; } = [];

    /// <summary>
    /// When not empty, the only hosts Credo may connect to: exact names (<c>login.microsoftonline.com</c>)
    /// or wildcards for subdomains (<c>*.example.com</c>). Default: empty, any host not blocked.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];
}
