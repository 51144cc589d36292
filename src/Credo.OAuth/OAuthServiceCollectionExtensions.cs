using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using Credo.OAuth.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Credo.OAuth.</summary>
public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITokenClient"/>, <see cref="ITokenCache"/>, <see cref="AccessTokenHandler"/> and the
    /// <see cref="OutboundGuard"/> (Credo.Net), with defaults added only where nothing is registered yet (<see cref="TimeProvider"/>,
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
        services.AddCredoOutbound();
        services.TryAddSingleton<OAuthMetrics>();
        services.TryAddSingleton<ITokenClient, TokenClient>();
        services.TryAddSingleton<ITokenCache, TokenCache>();
        services.TryAddTransient<AccessTokenHandler>();
        services.AddCredoOutboundHttpClient(TokenClient.HttpClientName);
        return new CredoOAuthBuilder(services);
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
