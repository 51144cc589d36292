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
        db.EmailListeners.Where(l => l.Id == listenerId && l.LeaseOwner == Node)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, (string?)null).SetProperty(l => l.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
}
