using Credo.OAuth;
using Credo.OAuth.Internal;
using Credo.OAuth.Outbound;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Credo.OAuth.</summary>
public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITokenClient"/>, <see cref="ITokenCache"/>, <see cref="AccessTokenHandler"/> and the
    /// <see cref="OutboundGuard"/>, with defaults added only where nothing is registered yet (<see cref="TimeProvider"/>,
    /// <see cref="IHostAddressResolver"/>). Options are validated when the host starts. Calling it again adds nothing.
    /// </summary>
    public static CredoOAuthBuilder AddCredoOAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!RegistrationMarker.TryMark(services, "Credo.OAuth"))
        {
            return new CredoOAuthBuilder(services);
        }

        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TokenClientOptions>()
            .Validate(o => o.Timeout > TimeSpan.Zero, "Credo:Tokens:Timeout must be positive, for example 00:00:30.")
            .Validate(o => o.MaxResponseBytes is >= 1024 and <= 64 * 1024 * 1024, "Credo:Tokens:MaxResponseBytes must be between 1024 and 67108864.")
            .Validate(o => o.DefaultLifetime > TimeSpan.Zero, "Credo:Tokens:DefaultLifetime must be positive, for example 00:05:00.")
            .Validate(o => o.RefreshBefore >= TimeSpan.Zero, "Credo:Tokens:RefreshBefore must not be negative.")
            .Validate(o => o.InitialBackoff > TimeSpan.Zero && o.MaxBackoff >= o.InitialBackoff, "Credo:Tokens:InitialBackoff must be positive and no longer than Credo:Tokens:MaxBackoff.")
            .ValidateOnStart();
        services.AddOptions<OutboundOptions>()
            .Validate(o => o.BlockedNetworks.All(n => System.Net.IPNetwork.TryParse(n.Trim(), out _)), "Credo:Outbound:BlockedNetworks must hold networks in CIDR notation, such as 10.0.0.0/8 or fd00::/8.")
            .ValidateOnStart();

        services.TryAddSingleton<IHostAddressResolver, DnsHostAddressResolver>();
        services.TryAddSingleton<OutboundGuard>();
        services.TryAddSingleton<OAuthMetrics>();
        services.TryAddSingleton<ITokenClient, TokenClient>();
        services.TryAddSingleton<ITokenCache, TokenCache>();
        services.TryAddTransient<AccessTokenHandler>();
        services.AddCredoOutboundHttpClient(TokenClient.HttpClientName);
        return new CredoOAuthBuilder(services);
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
        if (!RegistrationMarker.TryMark(services, "OutboundHttpClient:" + name))
        {
            return new ExistingHttpClientBuilder(services, name);
        }

        return services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler())
            .RemoveAllLoggers();
    }

    /// <summary>
    /// Adds <see cref="AccessTokenHandler"/> to a client: each request then names its <see cref="IAccessTokenSource"/>.
    /// A client gets it once, however often this is called for its name.
    /// </summary>
    public static IHttpClientBuilder AddAccessTokenHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return RegistrationMarker.TryMark(builder.Services, "AccessTokenHandler:" + builder.Name)
            ? builder.AddHttpMessageHandler<AccessTokenHandler>()
            : builder;
    }
}
