using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Sets a listener's next poll to now and wakes this node's engine, which claims it at once, as Poll now does. Only the node that
/// holds (or last held) the listener's lease may do so: on several nodes, the node that polled it watches it.
/// </summary>
internal sealed class ListenerWakeup(IServiceScopeFactory scopes, ListenerWakes wakes, IOptionsMonitor<ListenerOptions> options, TimeProvider time) : IListenerWakeup
{
    public async Task<bool> PollNowAsync(Guid listenerId, long version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var node = options.CurrentValue.NodeName;
        var now = time.GetUtcNow();
        if (await db.EmailListeners
            .Where(l => l.Id == listenerId && l.Enabled && l.Version == version && l.LeaseOwner == node)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, now), cancellationToken) != 1)
        {
            return false;
        }

        wakes.Wake(listenerId, notified: false);
        return true;
    }

    public async Task<bool> StillWatchedAsync(Guid listenerId, long version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var node = options.CurrentValue.NodeName;
        return await db.EmailListeners.AnyAsync(l => l.Id == listenerId && l.Enabled && l.Version == version && l.LeaseOwner == node, cancellationToken);
    }
}
