using Credo.Core.Retention;
using Credo.Core.Retention.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the retention purge.</summary>
public static class RetentionServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RetentionOptions"/> (validated at start), the <c>Credo.Retention</c> meter and, with
    /// <paramref name="runInBackground"/>, the purge as a hosted service. Call after <c>AddCredoCore</c>.
    /// </summary>
    public static IServiceCollection AddCredoRetention(this IServiceCollection services, bool runInBackground = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RetentionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<DatabaseSize>();
        services.TryAddSingleton<RetentionMetrics>();
        services.TryAddScoped<RetentionPurger>();
        if (runInBackground)
        {
            services.AddHostedService<RetentionService>();
        }

        return services;
    }
}
