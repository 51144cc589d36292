using Credo.Core.Listeners.Engine;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the listener engine and the webhook worker.</summary>
public static class ListenerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the EWS mail source and the poller, and with <paramref name="runInBackground"/> the listener engine and the
    /// webhook worker as hosted services. Call after <c>AddCredoCore</c>; settings come from <see cref="ListenerOptions"/>.
    /// </summary>
    public static IServiceCollection AddCredoListeners(this IServiceCollection services, bool runInBackground = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCredoEws();
        services.AddOptions<ListenerOptions>()
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(5), "Credo:Listeners:LeaseDuration must be at least 5 seconds.")
            .Validate(o => o.Tick > TimeSpan.Zero && o.Tick < o.LeaseDuration, "Credo:Listeners:Tick must be positive and shorter than the lease.")
            .ValidateOnStart();
        services.TryAddSingleton<ListenerMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, EwsMailSource>());
        services.TryAddScoped<ListenerPoller>();
        if (runInBackground)
        {
            services.AddCredoOutboundHttpClient(WebhookDispatcher.HttpClientName);
            services.AddHostedService<ListenerEngine>();
            services.AddHostedService<WebhookDispatcher>();
        }

        return services;
    }
}
