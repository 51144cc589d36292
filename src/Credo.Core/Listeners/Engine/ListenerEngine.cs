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
        // While more listeners are due than may start at once, start more as soon as a poll ends, not a tick later:
        // otherwise a node could start no more than MaxConcurrentPolls polls a tick however short they are.
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stop = stoppingToken.Register(() => stopping.TrySetResult());
        while (await StartDueAsync(stoppingToken))
        {
            Task[] running = [.. _running.Values];
            if (running.Length > 0)
            {
                await Task.WhenAny(Task.WhenAny(running), stopping.Task);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // Starts the due listeners this node may take now; true when every free slot was filled, so more may be due.
    private async Task<bool> StartDueAsync(CancellationToken stoppingToken)
    {
        var node = Settings.NodeName;
        var free = Settings.MaxConcurrentPolls - _running.Count;
        if (free <= 0)
        {
            return true;
        }

        var now = Time.GetUtcNow();
        var claim = now + Settings.LeaseDuration;
        Guid[] running = [.. _running.Keys];
        List<DueListener> due;
        int claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Every due listener is leased in one statement and read back, with its credential's version, in one more:
            // two statements a tick however many listeners are due, instead of two for each poll.
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            // The longest-waiting first, as many as may start now; the rest stay free for another node or the next tick.
            claimed = await db.EmailListeners
                .Where(l => l.Enabled && (l.NextPollAt == null || l.NextPollAt <= now) && !running.Contains(l.Id))
                .Where(ListenerLease.Takeable(node, now))
                .OrderBy(l => l.NextPollAt)
                .Take(free)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, node).SetProperty(l => l.LeaseExpiresAt, claim), stoppingToken);
            due = claimed == 0 ? [] : await ListenerPoller.WithCredentialVersion(db, db.EmailListeners.AsNoTracking()
                    .Where(l => l.LeaseOwner == node && l.LeaseExpiresAt == claim && !running.Contains(l.Id)))
                .ToListAsync(stoppingToken);
        }

        foreach (var listener in due)
        {
            // Registered before it starts, so that a poll that ends at once cannot leave its entry behind.
            var poll = new Task<Task>(() => PollAsync(listener, stoppingToken));
            if (_running.TryAdd(listener.Listener.Id, poll.Unwrap()))
            {
                poll.Start(TaskScheduler.Default);
            }
        }

        return claimed == free;
    }

    private async Task PollAsync(DueListener due, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(due, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.PollCrashed(Logger, due.Listener.Name, e);
        }
        finally
        {
            _running.TryRemove(due.Listener.Id, out _);
        }
    }
}
