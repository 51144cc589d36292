using Credo.Ews;
using Credo.Ews.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Credo.Ews.</summary>
public static class EwsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEwsClient"/> over a named client through the outbound guard and <c>AccessTokenHandler</c>
    /// (which renews a refused token once and retries once). Adds Credo.OAuth if it is not there yet. Calling it again
    /// adds nothing, so the client's pipeline holds one <c>AccessTokenHandler</c> and a refused token costs two requests.
    /// </summary>
    public static IServiceCollection AddCredoEws(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(EwsRegistrationMarker)))
        {
            return services;
        }

        services.AddSingleton(new EwsRegistrationMarker());
        services.AddCredoOAuth();
        services.AddOptions<EwsOptions>()
            .Validate(o => o.Timeout > TimeSpan.Zero, "Credo:Ews:Timeout must be positive.")
            .Validate(o => o.MaxResponseBytes >= 1024 * 1024, "Credo:Ews:MaxResponseBytes must be at least 1 MiB.")
            .Validate(o => o.MaxConcurrentRequestsPerMailbox is >= 1 and <= 27, "Credo:Ews:MaxConcurrentRequestsPerMailbox must be between 1 and 27.")
            .ValidateOnStart();
        services.TryAddSingleton<IEwsClient, EwsClient>();
        services.AddCredoOutboundHttpClient(EwsClient.HttpClientName).AddAccessTokenHandler();
        return services;
    }
}
