using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Retention.Internal;

/// <summary>
/// Runs the purge <see cref="RetentionOptions.FirstRunDelay"/> after start and then every <see cref="RetentionOptions.Interval"/>,
/// waiting through the injected <see cref="TimeProvider"/>; a failed pass is logged and the next one comes at the interval.
/// </summary>
internal sealed class RetentionService(
    IServiceScopeFactory scopes,
    DatabaseSize size,
    IOptionsMonitor<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = options.CurrentValue.FirstRunDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RetentionPurger>().PurgeAsync(stoppingToken);
                await size.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.PurgeFailed(logger, e);
            }

            wait = options.CurrentValue.Interval;
        }
    }
}
