using System.Net;

namespace Credo.Server.Hosting;

/// <summary>
/// <c>Credo:ForwardedHeaders</c>: behind a reverse proxy that terminates TLS, believe its <c>X-Forwarded-Proto</c>
/// and <c>X-Forwarded-For</c> so that the original scheme is honoured (Secure cookies, HSTS) and the client address is
/// the real one. <c>X-Forwarded-Host</c> is never believed.
/// </summary>
internal sealed class ForwardedHeadersSettings
{
    public const string SectionName = "Credo:ForwardedHeaders";

    /// <summary>Whether forwarded headers are read at all; default <c>false</c> (Credo faces clients directly).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Addresses of the proxies whose headers are believed, such as <c>10.0.0.5</c>; loopback is always believed, so a
    /// proxy on the same machine needs none.
    /// </summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of such proxies in CIDR notation, such as <c>10.0.0.0/24</c>; default none besides loopback.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>The first entry that is not an address or a network, as an error message; <c>null</c> when all are.</summary>
    public string? Error() =>
        KnownProxies.FirstOrDefault(p => !IPAddress.TryParse(p.Trim(), out _)) is { } proxy
            ? $"{SectionName}:KnownProxies has \"{proxy}\", which is not an IP address."
            : KnownNetworks.FirstOrDefault(n => !IPNetwork.TryParse(n.Trim(), out _)) is { } network
                ? $"{SectionName}:KnownNetworks has \"{network}\", which is not a network such as 10.0.0.0/24."
                : null;

    /// <summary>Applies these settings to ASP.NET Core's forwarded-headers options.</summary>
    public void ApplyTo(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(IPNetwork.Parse(network.Trim()));
        }
    }
}
