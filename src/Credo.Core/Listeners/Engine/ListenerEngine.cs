using System.Collections.Concurrent;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Runs every enabled listener when it is due, each on one node at a time: a node polls a listener only while it
/// holds its lease in the database, renewed during the poll; a dead node's lease expires and another node takes over.
/// </summary>
internal sealed class ListenerEngine(IServiceScopeFactory scopes, IOptionsMonitor<ListenerOptions> options, TimeProvider time, ILogger<ListenerEngine> logger)
    : TickingService(options, time, logger)
{
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    protected override Task StoppedAsync() => Task.WhenAll(_running.Values);

    protected override async Task TickAsync(CancellationToken stoppingToken)
    {
        var settings = Settings;
        var now = Time.GetUtcNow();
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            due = await db.EmailListeners.AsNoTracking()
                .Where(l => l.Enabled && (l.NextPollAt == null || l.NextPollAt <= now) &&
                            (l.LeaseOwner == settings.NodeName || l.LeaseExpiresAt == null || l.LeaseExpiresAt < now))
                .Select(l => l.Id)
                .ToListAsync(stoppingToken);
        }

        foreach (var id in due)
        {
            if (_running.ContainsKey(id))
            {
                continue;
            }

            _running[id] = Task.Run(() => PollAsync(id, stoppingToken), CancellationToken.None);
        }
    }

    private async Task PollAsync(Guid id, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var settings = Settings;
            var now = Time.GetUtcNow();
            var acquired = await db.EmailListeners
                .Where(l => l.Id == id && (l.LeaseOwner == settings.NodeName || l.LeaseExpiresAt == null || l.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, settings.NodeName).SetProperty(l => l.LeaseExpiresAt, now + settings.LeaseDuration), stoppingToken);
            if (acquired == 1)
            {
                await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.PollCrashed(Logger, id.ToString(), e);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }
}
