using System.Collections.Concurrent;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Runs every enabled listener when it is due, each on one node at a time: a node polls a listener only while it
/// holds its lease in the database; a dead node's lease expires and another node takes over. Beside the polls, a
/// heartbeat (every <see cref="ListenerOptions.Heartbeat"/>) renews this node's leases, publishes what a long poll is
/// doing, and stops a poll at once when its listener is disabled, deleted or changed, its credential changed, or another
/// node took its lease: such a poll sends nothing more. A node that stops hands its listeners back. A listener made due
/// (<see cref="ListenerWakes"/>) is claimed at once, not at the next tick, and one woken while its poll ran as soon as
/// that poll ends.
/// </summary>
internal sealed class ListenerEngine(IServiceScopeFactory scopes, ListenerWakes wakes, IOptionsMonitor<ListenerOptions> options, TimeProvider time, ILogger<ListenerEngine> logger)
    : TickingService(options, time, logger)
{
    private readonly ConcurrentDictionary<Guid, RunningPoll> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Counted among the live nodes before the first claim, so that it takes no more than its share.
        await BeatAsync(stoppingToken);
        await Task.WhenAll(base.ExecuteAsync(stoppingToken), HeartbeatAsync(stoppingToken));
    }

    protected override Task WaitAsync(CancellationToken stoppingToken) => wakes.WaitAsync(Settings.Tick, stoppingToken);

    protected override async Task StoppedAsync()
    {
        await Task.WhenAll(_running.Values.Select(p => p.Task));

        // Hand the listeners back: another node, or this one restarted, goes on without waiting for the leases to expire.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var lease = scope.ServiceProvider.GetRequiredService<ListenerLease>();
            await lease.ReleaseAllAsync(CancellationToken.None);
            await lease.LeaveAsync(CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            // A server that failed to start is torn down before its engine ends: it held no lease worth giving back.
        }
        catch (Exception e)
        {
            Log.TickFailed(Logger, e);
        }
    }

    protected override async Task TickAsync(CancellationToken stoppingToken)
    {
        // While more listeners are due than may start at once, start more as soon as a poll ends, not a tick later:
        // otherwise a node could start no more than MaxConcurrentPolls polls a tick however short they are.
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stop = stoppingToken.Register(() => stopping.TrySetResult());
        while (await StartDueAsync(stoppingToken))
        {
            Task[] running = [.. _running.Values.Select(p => p.Task)];
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
        var free = Settings.MaxConcurrentPolls - _running.Count;
        if (free <= 0)
        {
            return true;
        }

        List<DueListener> due;
        int claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Every due listener is leased in one statement and read back, with its credential's version, in one more:
            // two statements a tick however many listeners are due, instead of two for each poll.
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var ids = await scope.ServiceProvider.GetRequiredService<ListenerLease>().ClaimDueAsync([.. _running.Keys], free, stoppingToken);
            claimed = ids.Count;
            due = claimed == 0 ? [] : await ListenerPoller.WithCredentialVersion(db, db.EmailListeners.AsNoTracking().Where(l => ids.Contains(l.Id)))
                .ToListAsync(stoppingToken);
        }

        foreach (var listener in due)
        {
            // Registered before it starts, so that a poll that ends at once cannot leave its entry behind.
            var abort = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var progress = new PollProgress(Time.GetUtcNow());
            var poll = new Task<Task>(() => PollAsync(listener, progress, abort, stoppingToken));
            if (_running.TryAdd(listener.Listener.Id, new RunningPoll(listener, progress, abort, poll.Unwrap())))
            {
                poll.Start(TaskScheduler.Default);
            }
            else
            {
                abort.Dispose();
            }
        }

        return claimed == free;
    }

    private async Task PollAsync(DueListener due, PollProgress progress, CancellationTokenSource abort, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(due, progress, abort.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Stopped by the heartbeat: the listener changed, or its lease is another node's. Nothing more is sent; the
            // lease (if still ours) is given back so that a changed listener is polled with its new settings at once.
            await ReleaseAsync(due.Listener.Id);
        }
        catch (Exception e)
        {
            Log.PollCrashed(Logger, due.Listener.Name, e);
        }
        finally
        {
            _running.TryRemove(due.Listener.Id, out _);
            abort.Dispose();

            // Woken while it ran: the poll left it due, and it is claimed now rather than at the next tick.
            if (wakes.WokenSince(due.Listener.Id, progress.StartedAt))
            {
                wakes.Wake();
            }
        }
    }

    private async Task ReleaseAsync(Guid listenerId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ListenerLease>().ReleaseAsync(listenerId, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.TickFailed(Logger, e);
        }
    }

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Settings.Heartbeat, Time, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var lease = scope.ServiceProvider.GetRequiredService<ListenerLease>();
                await lease.RenewHeldAsync(stoppingToken);
                await BeatAsync(lease, stoppingToken);
                wakes.Prune(Time.GetUtcNow() - Settings.MaxPollDuration);
                if (!_running.IsEmpty)
                {
                    await CheckRunningAsync(scope.ServiceProvider.GetRequiredService<CredoDbContext>(), lease, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.TickFailed(Logger, e);
            }
        }
    }

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await BeatAsync(scope.ServiceProvider.GetRequiredService<ListenerLease>(), stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.TickFailed(Logger, e);
        }
    }

    // The node's heartbeat, and the listeners beyond its fair share handed back (several nodes on PostgreSQL).
    private async Task BeatAsync(ListenerLease lease, CancellationToken stoppingToken)
    {
        if (await lease.BeatAsync([.. _running.Keys], stoppingToken) is > 0 and var handedBack)
        {
            Log.HandedBack(Logger, handedBack);
        }
    }

    // One read of every running poll's listener: a poll whose listener was disabled, deleted or changed, or whose lease is
    // another node's, is stopped; one that runs longer than LivePollAfter is published.
    private async Task CheckRunningAsync(CredoDbContext db, ListenerLease lease, CancellationToken stoppingToken)
    {
        var settings = Settings;
        Guid[] ids = [.. _running.Keys];
        var rows = await db.EmailListeners.AsNoTracking().Where(l => ids.Contains(l.Id))
            .Select(l => new
            {
                l.Id,
                l.Enabled,
                l.Version,
                l.LeaseOwner,
                CredentialVersion = db.Credentials.Where(c => c.Id == l.CredentialId).Select(c => (long?)c.Version).FirstOrDefault(),
            })
            .ToDictionaryAsync(l => l.Id, stoppingToken);

        var now = Time.GetUtcNow();
        foreach (var id in ids)
        {
            if (!_running.TryGetValue(id, out var poll))
            {
                continue;
            }

            var (listener, credentialVersion) = poll.Due;
            var stopBecause = !rows.TryGetValue(id, out var row) ? "the listener was deleted"
                : !row.Enabled ? "the listener was disabled"
                : row.Version != listener.Version ? "the listener's settings changed"
                : (row.CredentialVersion ?? -1) != credentialVersion ? "its credential changed"
                : row.LeaseOwner != settings.NodeName ? "another node took the listener over"
                : null;
            if (stopBecause is not null)
            {
                Log.PollStopped(Logger, listener.Name, stopBecause);
                try
                {
                    await poll.Abort.CancelAsync();
                }
                catch (ObjectDisposedException)
                {
                    // The poll ended meanwhile.
                }
            }
            else if (now - poll.Progress.StartedAt >= settings.LivePollAfter)
            {
                await lease.PublishAsync(id, poll.Progress, stoppingToken);
            }
        }
    }

    /// <summary>A poll this node runs: the listener as claimed, what the poll is doing, how to stop it, and its task.</summary>
    private sealed record RunningPoll(DueListener Due, PollProgress Progress, CancellationTokenSource Abort, Task Task);
}
