using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Sets a listener's next poll to now, which the engine picks up at its next tick, as Poll now does. Only the node that
/// holds (or last held) the listener's lease may do so: on several nodes, the node that polled it watches it.
/// </summary>
internal sealed class ListenerWakeup(IServiceScopeFactory scopes, IOptionsMonitor<ListenerOptions> options, TimeProvider time) : IListenerWakeup
{
    public async Task<bool> PollNowAsync(Guid listenerId, long version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var node = options.CurrentValue.NodeName;
        var now = time.GetUtcNow();
        return await db.EmailListeners
            .Where(l => l.Id == listenerId && l.Enabled && l.Version == version && l.LeaseOwner == node)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, now), cancellationToken) == 1;
    }

    public async Task<bool> StillWatchedAsync(Guid listenerId, long version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var node = options.CurrentValue.NodeName;
        return await db.EmailListeners.AnyAsync(l => l.Id == listenerId && l.Enabled && l.Version == version && l.LeaseOwner == node, cancellationToken);
    }
}
