using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Credentials.Internal;

/// <summary>Runs <see cref="CredentialExpiryMonitor.CheckAsync"/> every few minutes while the server runs.</summary>
internal sealed class CredentialExpiryWatch(CredentialExpiryMonitor monitor, TimeProvider time, ILogger<CredentialExpiryWatch> logger) : BackgroundService
{
    // Often enough that the gauge follows a changed credential soon; the warning itself is once a day.
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await monitor.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may still be migrating on start, or briefly unreachable: the next round tries again.
                logger.ExpiryCheckFailed(e);
            }

            try
            {
                await Task.Delay(Period, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
