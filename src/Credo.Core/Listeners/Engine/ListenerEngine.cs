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
        var now = Time.GetUtcNow();
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            due = await db.EmailListeners.AsNoTracking()
                .Where(l => l.Enabled && (l.NextPollAt == null || l.NextPollAt <= now))
                .Where(ListenerLease.Takeable(Settings.NodeName, now))
                .Select(l => l.Id)
                .ToListAsync(stoppingToken);
        }

        foreach (var id in due)
        {
            // Registered before it starts, so that a poll that ends at once cannot leave its entry behind.
            var poll = new Task<Task>(() => PollAsync(id, stoppingToken));
            if (_running.TryAdd(id, poll.Unwrap()))
            {
                poll.Start(TaskScheduler.Default);
            }
        }
    }

    private async Task PollAsync(Guid id, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<ListenerLease>().TryAcquireAsync(id, stoppingToken))
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
