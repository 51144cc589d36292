using Credo.Graph;
using Credo.Graph.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Credo.Graph.</summary>
public static class GraphServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IGraphClient"/> over a named client through the outbound guard and <c>AccessTokenHandler</c>
    /// (which renews a refused token once and retries once). Adds Credo.OAuth if it is not there yet; calling it again
    /// adds nothing.
    /// </summary>
    public static IServiceCollection AddCredoGraph(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(GraphRegistrationMarker)))
        {
            return services;
        }

        services.AddSingleton(new GraphRegistrationMarker());
        services.AddCredoOAuth();
        services.AddOptions<GraphOptions>()
            .Validate(o => o.Timeout > TimeSpan.Zero, "Credo:Graph:Timeout must be positive.")
            .Validate(o => o.MaxResponseBytes >= 1024 * 1024, "Credo:Graph:MaxResponseBytes must be at least 1 MiB.")
            .Validate(
                o => o.MaxConcurrentRequestsPerMailbox is >= 1 and <= GraphLimits.MailboxConcurrency,
                $"Credo:Graph:MaxConcurrentRequestsPerMailbox must be between 1 and {GraphLimits.MailboxConcurrency}.")
            .ValidateOnStart();
        services.TryAddSingleton<IGraphClient, GraphClient>();
        services.AddCredoOutboundHttpClient(GraphClient.HttpClientName).AddAccessTokenHandler();
        return services;
    }
}
