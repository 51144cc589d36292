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
/// <remarks>
/// Each tick claims, in one statement, the listeners due before the next tick, and starts each at its own due time: the
/// tick sets how often the database is asked, not how late a poll starts. At most
/// <see cref="ListenerOptions.MaxConcurrentPolls"/> polls run at once; the others wait for a free slot, longest-waiting
/// first.
/// </remarks>
internal sealed class ListenerEngine(IServiceScopeFactory scopes, ListenerWakes wakes, ListenerMetrics metrics, IOptionsMonitor<ListenerOptions> options, TimeProvider time, ILogger<ListenerEngine> logger)
    : TickingService(options, time, logger)
{
    // Listeners claimed but not yet polling, for each slot: enough for a tick's worth of due listeners on a busy node
    // (20,000 listeners at 30 s are about 670 a second), and a bound on the leases a node holds without polling.
    private const int ClaimedPerSlot = 16;

    private readonly ConcurrentDictionary<Guid, RunningPoll> _running = new();
    private readonly SemaphoreSlim _slots = new(options.CurrentValue.MaxConcurrentPolls);
    private TaskCompletionSource _pollEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        // While more listeners are due than may be claimed at once, claim more as soon as a poll ends, not a tick later.
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stop = stoppingToken.Register(() => stopping.TrySetResult());
        while (true)
        {
            var pollEnded = Volatile.Read(ref _pollEnded).Task;
            if (!await StartDueAsync(stoppingToken))
            {
                return;
            }

            await Task.WhenAny(pollEnded, stopping.Task);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // Claims the listeners due before the next tick that this node may take now, each to start at its due time; true when
    // the claim was full, so more may be due.
    private async Task<bool> StartDueAsync(CancellationToken stoppingToken)
    {
        var settings = Settings;
        var claimedAt = Time.GetUtcNow();

        // A claimed listener woken while it waits for its due time (a push notification, IDLE, Poll now) starts now.
        foreach (var (id, waiting) in _running)
        {
            if (waiting.Progress is null && wakes.WokenSince(id, waiting.ClaimedAt))
            {
                waiting.StartNow();
            }
        }

        var free = (settings.MaxConcurrentPolls * ClaimedPerSlot) - _running.Count;
        if (free <= 0)
        {
            return true;
        }

        var dueBy = ListenerLease.ClaimHorizon(claimedAt, settings);
        List<DueListener> due;
        int claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Every listener due is leased in one statement and read back, with its credential's version, in one more:
            // two statements a tick however many listeners are due, instead of two for each poll.
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var ids = await scope.ServiceProvider.GetRequiredService<ListenerLease>().ClaimDueAsync([.. _running.Keys], free, dueBy, stoppingToken);
            claimed = ids.Count;
            due = claimed == 0 ? [] : await ListenerPoller.WithCredentialVersion(db, db.EmailListeners.AsNoTracking().Where(l => ids.Contains(l.Id)))
                .ToListAsync(stoppingToken);
        }

        foreach (var listener in due)
        {
            // Registered before it starts, so that a poll that ends at once cannot leave its entry behind.
            var poll = new RunningPoll(listener, claimedAt, listener.Listener.NextPollAt ?? claimedAt, CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
            var run = new Task<Task>(() => PollAsync(poll, stoppingToken));
            poll.Task = run.Unwrap();
            if (_running.TryAdd(listener.Listener.Id, poll))
            {
                run.Start(TaskScheduler.Default);
            }
            else
            {
                poll.Abort.Dispose();
            }
        }

        return claimed == free;
    }

    // Waits for the listener's due time and a free slot, then polls it.
    private async Task PollAsync(RunningPoll poll, CancellationToken stoppingToken)
    {
        var listener = poll.Due.Listener;
        var abort = poll.Abort.Token;
        try
        {
            if (poll.DueAt - Time.GetUtcNow() is { Ticks: > 0 } wait)
            {
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(abort);
                await Task.WhenAny(Task.Delay(wait, Time, waiting.Token), poll.StartedNow);
                await waiting.CancelAsync();
                abort.ThrowIfCancellationRequested();
            }

            await _slots.WaitAsync(abort);
            try
            {
                // Woken while it waited (saved, disabled, deleted, Poll now, a notification): it is read again, so that it
                // is polled with its settings as they are now, or not at all.
                if (poll.StartedNow.IsCompleted)
                {
                    await using var read = scopes.CreateAsyncScope();
                    var db = read.ServiceProvider.GetRequiredService<CredoDbContext>();
                    if (await ListenerPoller.WithCredentialVersion(db, db.EmailListeners.AsNoTracking().Where(l => l.Id == listener.Id)).SingleOrDefaultAsync(abort) is not { Listener.Enabled: true } current)
                    {
                        await ReleaseAsync(listener.Id);
                        return;
                    }

                    poll.Due = current;
                }

                // A timer may fire a little before the clock reads its due time: such a poll counts as started at its due time,
                // or the due time it was claimed for would look like a wake-up during the poll, and it would be polled again at once.
                var now = Time.GetUtcNow();
                var progress = new PollProgress(now < poll.DueAt && !poll.StartedNow.IsCompleted ? poll.DueAt : now);
                poll.Progress = progress;
                metrics.PollLag(listener.Protocol, progress.StartedAt - poll.DueAt);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(poll.Due, progress, abort);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Stopped by the heartbeat: the listener changed, or its lease is another node's. Nothing more is sent; the
            // lease (if still ours) is given back so that a changed listener is polled with its new settings at once.
            await ReleaseAsync(listener.Id);
        }
        catch (Exception e)
        {
            Log.PollCrashed(Logger, listener.Name, e);
        }
        finally
        {
            _running.TryRemove(listener.Id, out _);
            poll.Abort.Dispose();
            Interlocked.Exchange(ref _pollEnded, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

            // Woken while it ran: the poll left it due, and it is claimed now rather than at the next tick.
            if (poll.Progress is { } started && wakes.WokenSince(listener.Id, started.StartedAt))
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
            else if (poll.Progress is { } progress && now - progress.StartedAt >= settings.LivePollAfter)
            {
                await lease.PublishAsync(id, progress, stoppingToken);
            }
        }
    }

    /// <summary>
    /// A poll this node has claimed: the listener, when it was claimed and is due, how to stop it, its task, and once it
    /// has started (it waits for its due time and a free slot first) what it is doing.
    /// </summary>
    private sealed class RunningPoll(DueListener due, DateTimeOffset claimedAt, DateTimeOffset dueAt, CancellationTokenSource abort)
    {
        private readonly TaskCompletionSource _startNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile PollProgress? _progress;
        private volatile DueListener _due = due;

        /// <summary>The listener as claimed, or as read again after a wake-up.</summary>
        public DueListener Due
        {
            get => _due;
            set => _due = value;
        }

        public DateTimeOffset ClaimedAt { get; } = claimedAt;

        public DateTimeOffset DueAt { get; } = dueAt;

        public CancellationTokenSource Abort { get; } = abort;

        public Task Task { get; set; } = Task.CompletedTask;

        /// <summary>Completes when the listener was woken while the poll waited: it starts before its due time, read again.</summary>
        public Task StartedNow => _startNow.Task;

        public PollProgress? Progress
        {
            get => _progress;
            set => _progress = value;
        }

        public void StartNow() => _startNow.TrySetResult();
    }
}
