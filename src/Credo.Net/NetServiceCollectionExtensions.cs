using Credo.Net;
using Credo.Net.Internal;
using Credo.Net.Outbound;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Credo.Net: the outbound guard and the named clients that go through it.</summary>
public static class NetServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="OutboundGuard"/> with its options (validated when the host starts) and, unless one is
    /// registered, the system's <see cref="IHostAddressResolver"/>. Calling it again adds nothing.
    /// </summary>
    public static IServiceCollection AddCredoOutbound(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!RegistrationMarker.TryMark(services, "Credo.Net.Outbound"))
        {
            return services;
        }

        services.AddLogging();
        services.AddOptions<OutboundOptions>()
            .Validate(o => o.BlockedNetworks.All(n => System.Net.IPNetwork.TryParse(n.Trim(), out _)), "Credo:Outbound:BlockedNetworks must hold networks in CIDR notation, such as 10.0.0.0/8 or fd00::/8.")
            .ValidateOnStart();
        services.TryAddSingleton<IHostAddressResolver, DnsHostAddressResolver>();
        services.TryAddSingleton<OutboundGuard>();
        return services;
    }

    /// <summary>
    /// A named client for outbound requests through the <see cref="OutboundGuard"/>: no redirects, no proxy, and
    /// none of the default HTTP logging (which could record URLs with query strings and header names). Timeouts
    /// belong to the caller. Calling it again for the same name configures nothing more and returns a builder for the
    /// same client.
    /// </summary>
    public static IHttpClientBuilder AddCredoOutboundHttpClient(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        services.AddCredoOutbound();
        if (!RegistrationMarker.TryMark(services, "OutboundHttpClient:" + name))
        {
            return new ExistingHttpClientBuilder(services, name);
        }

        return services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler())
            .RemoveAllLoggers();
    }
}
