using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// A background loop that runs <see cref="TickAsync"/> every <see cref="ListenerOptions.Tick"/> (or sooner, as
/// <see cref="WaitAsync"/> says) through the injected <see cref="TimeProvider"/>: a failing tick is logged and the loop goes on; stopping ends it between ticks.
/// </summary>
internal abstract class TickingService(IOptionsMonitor<ListenerOptions> options, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The current settings.</summary>
    protected ListenerOptions Settings => options.CurrentValue;

    /// <summary>The logger.</summary>
    protected ILogger Logger => logger;

    /// <summary>The clock.</summary>
    protected TimeProvider Time => time;

    protected abstract Task TickAsync(CancellationToken stoppingToken);

    /// <summary>Waits for the next tick: <see cref="ListenerOptions.Tick"/>.</summary>
    protected virtual Task WaitAsync(CancellationToken stoppingToken) => Task.Delay(options.CurrentValue.Tick, time, stoppingToken);

    /// <summary>Runs once the loop has ended, to wait for work the ticks started.</summary>
    protected virtual Task StoppedAsync() => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.TickFailed(logger, e);
            }

            try
            {
                await WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await StoppedAsync();
    }
}
