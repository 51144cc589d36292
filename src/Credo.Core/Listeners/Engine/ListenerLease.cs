using System.Linq.Expressions;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// The lease in the database that lets exactly one node (or one <c>credo listeners poll</c>) work on a listener at a
/// time: taken when free or expired, renewed while the work goes on, released when a one-off poll ends. A node that
/// dies stops renewing, and another takes over once <see cref="ListenerOptions.LeaseDuration"/> has passed.
/// </summary>
internal sealed class ListenerLease(CredoDbContext db, IOptionsMonitor<ListenerOptions> options, TimeProvider time)
{
    /// <summary>Listeners that <paramref name="node"/> holds, or that nobody holds at <paramref name="now"/>.</summary>
    public static Expression<Func<EmailListener, bool>> Takeable(string node, DateTimeOffset now) =>
        l => l.LeaseOwner == node || l.LeaseExpiresAt == null || l.LeaseExpiresAt < now;

    private string Node => options.CurrentValue.NodeName;

    /// <summary>
    /// How far ahead the engine claims listeners at <paramref name="now"/>: until half a tick beyond the next tick, as the
    /// next claim comes a little after a tick (the wait starts when this one ends).
    /// </summary>
    public static DateTimeOffset ClaimHorizon(DateTimeOffset now, ListenerOptions settings) => now + settings.Tick + (settings.Tick / 2);

    /// <summary>
    /// Leases up to <paramref name="free"/> enabled listeners that are due by <paramref name="dueBy"/>, not held by another
    /// node and not in <paramref name="running"/>, the longest-waiting first, in one statement; returns their ids. On
    /// PostgreSQL a node takes listeners it does not hold yet only up to its fair share (<see cref="ShareAsync"/>, read
    /// just before) less the enabled ones it holds; those it holds it always takes when due. On PostgreSQL
    /// the candidates are locked with <c>FOR UPDATE SKIP LOCKED</c>: a row another node is claiming at the same moment is
    /// skipped, and a row it has just claimed is checked again under its lock, so two nodes never take the same listener.
    /// (A plain <c>UPDATE … WHERE id IN (SELECT … LIMIT n)</c> re-checks only <c>id IN</c> after waiting for a row lock,
    /// not the lease condition inside the subquery, and so overwrote a lease another node had just taken. And PostgreSQL may
    /// run a <c>LIMIT … SKIP LOCKED</c> subquery of an <c>IN</c> more than once in one statement, each run skipping other
    /// rows, so that one claim took 18 listeners where 10 were asked for: the candidates are a materialized CTE, chosen
    /// once.) SQLite runs one writer at a time, so there the statement is atomic as it stands.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ClaimDueAsync(IReadOnlyCollection<Guid> running, int free, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        var node = Node;
        var now = time.GetUtcNow();
        var claim = now + options.CurrentValue.LeaseDuration;
        if (db.Database.IsNpgsql())
        {
            Guid[] skip = [.. running];
            long nowTicks = now.UtcTicks, dueTicks = dueBy.UtcTicks, claimTicks = claim.UtcTicks;
            var share = await ShareAsync(cancellationToken);
            return await db.Database.SqlQuery<Guid>($"""
                WITH mine AS MATERIALIZED (
                    SELECT "Id", "NextPollAt" FROM email_listeners
                    WHERE "Enabled" AND ("NextPollAt" IS NULL OR "NextPollAt" <= {dueTicks}) AND "LeaseOwner" = {node}
                      AND NOT ("Id" = ANY({skip}))
                    ORDER BY "NextPollAt" NULLS FIRST
                    LIMIT {free}
                    FOR UPDATE SKIP LOCKED),
                other AS MATERIALIZED (
                    SELECT "Id", "NextPollAt" FROM email_listeners
                    WHERE "Enabled" AND ("NextPollAt" IS NULL OR "NextPollAt" <= {dueTicks})
                      AND "LeaseOwner" IS DISTINCT FROM {node} AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < {nowTicks})
                      AND NOT ("Id" = ANY({skip}))
                    ORDER BY "NextPollAt" NULLS FIRST
                    LIMIT LEAST({free}, GREATEST(0, {share}
                        - (SELECT count(*) FROM email_listeners WHERE "Enabled" AND "LeaseOwner" = {node} AND "LeaseExpiresAt" >= {nowTicks})))
                    FOR UPDATE SKIP LOCKED),
                due AS MATERIALIZED (
                    SELECT "Id" FROM (SELECT * FROM mine UNION ALL SELECT * FROM other) AS candidates
                    ORDER BY "NextPollAt" NULLS FIRST
                    LIMIT {free})
                UPDATE email_listeners SET "LeaseOwner" = {node}, "LeaseExpiresAt" = {claimTicks}
                FROM due WHERE email_listeners."Id" = due."Id"
                RETURNING email_listeners."Id" AS "Value"
                """).ToListAsync(cancellationToken);
        }

        var claimed = await db.EmailListeners
            .Where(l => l.Enabled && (l.NextPollAt == null || l.NextPollAt <= dueBy) && !running.Contains(l.Id))
            .Where(Takeable(node, now))
            .OrderBy(l => l.NextPollAt)
            .Take(free)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, node).SetProperty(l => l.LeaseExpiresAt, claim), cancellationToken);
        return claimed == 0 ? [] : await db.EmailListeners
            .Where(l => l.LeaseOwner == node && l.LeaseExpiresAt == claim && !running.Contains(l.Id))
            .Select(l => l.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// This node's fair share on PostgreSQL: the enabled listeners divided by the live nodes (those whose heartbeat in
    /// <c>listener_nodes</c> is younger than a lease, this one counted whether it has beaten yet or not), rounded up. On
    /// SQLite, which runs one node, every listener.
    /// </summary>
    public async Task<long> ShareAsync(CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return long.MaxValue;
        }

        var node = Node;
        var liveSince = (time.GetUtcNow() - options.CurrentValue.LeaseDuration).UtcTicks;
        return await db.Database.SqlQuery<long>($"""
            SELECT CEIL((SELECT count(*) FROM email_listeners WHERE "Enabled")::numeric
                / ((SELECT count(*) FROM listener_nodes WHERE "SeenAt" > {liveSince} AND "Name" <> {node}) + 1))::bigint AS "Value"
            """).SingleAsync(cancellationToken);
    }

    /// <summary>
    /// The heartbeat of this node in <c>listener_nodes</c> (PostgreSQL), which tells the other nodes it is alive and counts it
    /// in their fair share; then, when it holds more enabled listeners than its share (a node joined), hands back the
    /// surplus that is neither running nor due before the claim horizon (<see cref="ClaimHorizon"/>: a listener the engine
    /// may have claimed ahead meanwhile), those due last first, for the other nodes to take when they are due. Returns how
    /// many it handed back.
    /// </summary>
    public async Task<int> BeatAsync(IReadOnlyCollection<Guid> running, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return 0;
        }

        var node = Node;
        var now = time.GetUtcNow();
        long nowTicks = now.UtcTicks, horizonTicks = ClaimHorizon(now, options.CurrentValue).UtcTicks;
        Guid[] skip = [.. running];
        long forgotten = (now - TimeSpan.FromDays(1)).UtcTicks;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO listener_nodes ("Name", "SeenAt") VALUES ({node}, {nowTicks})
            ON CONFLICT ("Name") DO UPDATE SET "SeenAt" = excluded."SeenAt";
            DELETE FROM listener_nodes WHERE "SeenAt" < {forgotten}
            """, cancellationToken);
        var share = await ShareAsync(cancellationToken);
        return await db.Database.ExecuteSqlAsync($"""
            WITH surplus AS MATERIALIZED (
                SELECT "Id" FROM email_listeners
                WHERE "Enabled" AND "LeaseOwner" = {node} AND "NextPollAt" > {horizonTicks} AND NOT ("Id" = ANY({skip}))
                ORDER BY "NextPollAt" DESC NULLS LAST
                LIMIT GREATEST(0,
                    (SELECT count(*) FROM email_listeners WHERE "Enabled" AND "LeaseOwner" = {node} AND "LeaseExpiresAt" >= {nowTicks}) - {share})
                FOR UPDATE SKIP LOCKED)
            UPDATE email_listeners SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
            FROM surplus WHERE email_listeners."Id" = surplus."Id" AND email_listeners."LeaseOwner" = {node}
            """, cancellationToken);
    }

    /// <summary>Removes this node from <c>listener_nodes</c> when its engine stops, so the others count it out at once.</summary>
    public Task LeaveAsync(CancellationToken cancellationToken) =>
        db.Database.IsNpgsql() ? db.ListenerNodes.Where(n => n.Name == Node).ExecuteDeleteAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Takes the lease if it is free, expired or this node's already.</summary>
    public async Task<bool> TryAcquireAsync(Guid listenerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.EmailListeners.Where(l => l.Id == listenerId).Where(Takeable(Node, now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, Node).SetProperty(l => l.LeaseExpiresAt, now + options.CurrentValue.LeaseDuration), cancellationToken) == 1;
    }

    /// <summary>Extends this node's lease; false when another node has taken it over meanwhile.</summary>
    public async Task<bool> RenewAsync(Guid listenerId, CancellationToken cancellationToken) =>
        await db.EmailListeners.Where(l => l.Id == listenerId && l.LeaseOwner == Node)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseExpiresAt, time.GetUtcNow() + options.CurrentValue.LeaseDuration), cancellationToken) == 1;

    /// <summary>Saves <paramref name="syncState"/> and extends the lease in one statement, only while this node holds it.</summary>
    public async Task<bool> SaveProgressAsync(Guid listenerId, string syncState, CancellationToken cancellationToken) =>
        await db.EmailListeners.Where(l => l.Id == listenerId && l.LeaseOwner == Node)
            .ExecuteUpdateAsync(u => u
                .SetProperty(l => l.SyncState, syncState)
                .SetProperty(l => l.LeaseExpiresAt, time.GetUtcNow() + options.CurrentValue.LeaseDuration), cancellationToken) == 1;

    /// <summary>Gives the lease up, so that a server's engine need not wait for it to expire.</summary>
    public Task ReleaseAsync(Guid listenerId, CancellationToken cancellationToken) =>
        ReleaseAsync(db.EmailListeners.Where(l => l.Id == listenerId), cancellationToken);

    /// <summary>Gives every lease of this node up, when its engine stops: another node (or this one, restarted) goes on at once.</summary>
    public Task ReleaseAllAsync(CancellationToken cancellationToken) => ReleaseAsync(db.EmailListeners, cancellationToken);

    /// <summary>
    /// Extends, in one statement, every lease of this node that has less than half its duration left, whether its listener
    /// is being polled or waits for its next poll: a node keeps its listeners while it lives (so an IMAP IDLE watcher or a
    /// wake-up finds them where they were), and a dead node's are taken over once its leases expire.
    /// </summary>
    public Task<int> RenewHeldAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var duration = options.CurrentValue.LeaseDuration;
        var low = now + (duration / 2);
        return db.EmailListeners.Where(l => l.LeaseOwner == Node && l.LeaseExpiresAt < low)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseExpiresAt, now + duration), cancellationToken);
    }

    /// <summary>Publishes what this node's running poll of <paramref name="listenerId"/> is doing, and extends its lease.</summary>
    public Task PublishAsync(Guid listenerId, PollProgress progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var activity = progress.Describe(now);
        activity = activity.Length <= 500 ? activity : activity[..500];
        return db.EmailListeners.Where(l => l.Id == listenerId && l.LeaseOwner == Node)
            .ExecuteUpdateAsync(u => u
                .SetProperty(l => l.PollStartedAt, progress.StartedAt)
                .SetProperty(l => l.PollActivity, activity)
                .SetProperty(l => l.LeaseExpiresAt, now + options.CurrentValue.LeaseDuration), cancellationToken);
    }

    // The lease, and what the poll it covered was doing.
    private Task<int> ReleaseAsync(IQueryable<EmailListener> listeners, CancellationToken cancellationToken) =>
        listeners.Where(l => l.LeaseOwner == Node).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.LeaseOwner, (string?)null)
            .SetProperty(l => l.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(l => l.PollStartedAt, (DateTimeOffset?)null)
            .SetProperty(l => l.PollActivity, (string?)null), cancellationToken);
}
