using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the listener engine and the webhook worker.</summary>
public static class ListenerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the mail sources and the poller, and with <paramref name="runInBackground"/> the listener engine and the
    /// webhook worker as hosted services. Call after <c>AddCredoCore</c>; settings come from <see cref="ListenerOptions"/>.
    /// </summary>
    public static IServiceCollection AddCredoListeners(this IServiceCollection services, bool runInBackground = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ListenerOptions>()
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(5), "Credo:Listeners:LeaseDuration must be at least 5 seconds.")
            .Validate(o => o.Tick > TimeSpan.Zero && o.Tick < o.LeaseDuration, "Credo:Listeners:Tick must be positive and shorter than the lease.")
            .Validate(o => o.MaxConcurrentPolls >= 1, "Credo:Listeners:MaxConcurrentPolls must be at least 1.")
            .Validate(o => o.RetriesPerPoll >= 0, "Credo:Listeners:RetriesPerPoll must be 0 or more.")
            .Validate(o => o.MaxRetryWait > TimeSpan.Zero, "Credo:Listeners:MaxRetryWait must be positive.")
            .Validate(o => o.Heartbeat > TimeSpan.Zero && o.Heartbeat < o.LeaseDuration / 2, "Credo:Listeners:Heartbeat must be positive and shorter than half the lease, so that leases are renewed in time.")
            .Validate(o => o.MaxPagesPerPoll >= 1, "Credo:Listeners:MaxPagesPerPoll must be at least 1.")
            .Validate(o => o.MaxPollDuration > TimeSpan.Zero, "Credo:Listeners:MaxPollDuration must be positive.")
            .ValidateOnStart();
        services.AddOptions<PushOptions>()
            .Validate(o => PushOptions.Problem(o.PublicUrl) is null, "Credo:PublicUrl must be an https address (http only for a loopback host), without query or fragment.")
            .ValidateOnStart();
        services.AddOptions<WebhookOptions>()
            .Validate(o => o.SecretOverlap >= TimeSpan.Zero, "Credo:Webhooks:SecretOverlap must be zero (no overlap) or more.")
            .Validate(o => o.MaxConcurrentDeliveries >= 1, "Credo:Webhooks:MaxConcurrentDeliveries must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton<ListenerGauges>();
        services.TryAddSingleton<ListenerMetrics>();
        services.TryAddSingleton<CredentialTokenSources>();
        services.TryAddSingleton<PollStatusWriter>();
        services.TryAddScoped<ListenerPoller>();
        services.TryAddScoped<PushKeeper>();
        services.TryAddScoped(sp => new Credo.Core.Listeners.PushNotifications(
            sp.GetRequiredService<Credo.Core.Persistence.CredoDbContext>(), sp.GetRequiredService<Credo.Core.Security.SecretProtector>(),
            sp.GetRequiredService<ListenerMetrics>(), sp.GetRequiredService<ListenerWakes>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Credo.Core.Listeners.PushNotifications>>()));
        services.TryAddSingleton(sp => new Credo.Core.Listeners.PushGate(
            sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<ListenerMetrics>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Credo.Core.Listeners.PushGate>>()));
        services.TryAddScoped<ListenerLease>();
        services.TryAddScoped(sp => new OneOffPoll(sp.GetRequiredService<ListenerLease>(), sp.GetRequiredService<ListenerPoller>()));
        if (runInBackground)
        {
            services.AddCredoOutboundHttpClient(WebhookDispatcher.HttpClientName);
            services.TryAddSingleton<IListenerWakeup, ListenerWakeup>();
            services.AddHostedService<ListenerEngine>();
            services.AddHostedService<WakeListener>();
            services.AddHostedService<WebhookDispatcher>();
            services.AddHostedService<PushEndingService>();
        }

        return services;
    }
}
