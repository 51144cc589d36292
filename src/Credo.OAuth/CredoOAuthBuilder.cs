using Microsoft.Extensions.DependencyInjection;

namespace Credo.OAuth;

/// <summary>Returned by <see cref="OAuthServiceCollectionExtensions.AddCredoOAuth"/> to configure Credo.OAuth further.</summary>
public sealed class CredoOAuthBuilder
{
    internal CredoOAuthBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures token requests and the cache.</summary>
    public CredoOAuthBuilder ConfigureTokens(Action<TokenClientOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the outbound policy.</summary>
    public CredoOAuthBuilder ConfigureOutbound(Action<Credo.Net.Outbound.OutboundOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
