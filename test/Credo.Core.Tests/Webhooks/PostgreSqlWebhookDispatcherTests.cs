using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Tests.Webhooks;

/// <summary>The dispatcher on a real PostgreSQL database, where several nodes claim from one outbox.</summary>
public sealed class PostgreSqlWebhookDispatcherTests() : WebhookDispatcherTests(TestDatabase.PostgreSqlAsync)
{
    [Fact]
    public async Task Claims_racing_for_the_same_deliveries_never_give_one_to_two_nodes()
    {
        const int Deliveries = 20;
        var listener = await ListenerAsync();
        for (var i = 0; i < Deliveries; i++)
        {
            await RecordAsync(listener);
        }

        // Node A claims half in a transaction it keeps open: its row locks hold until it commits.
        await using var scopeA = Core.Scope();
        var dbA = Core.Get<CredoDbContext>(scopeA);
        await using var transaction = await dbA.Database.BeginTransactionAsync(Ct);
        var now = Time.GetUtcNow();
        var claimedByA = await new WebhookOutbox(dbA).ClaimAsync(Deliveries / 2, now, now + TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(Deliveries / 2, claimedByA.Count);

        // Node B claims every due delivery meanwhile; A commits while B's statement runs (or waits).
        var claimingB = Task.Run(() => ClaimAsync(Deliveries), Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await transaction.CommitAsync(Ct);
        var claimedByB = await claimingB.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Empty(claimedByA.Intersect(claimedByB));
        Assert.Equal(Deliveries, claimedByA.Count + claimedByB.Count);
        Assert.Empty(await ClaimAsync(Deliveries));
    }
}
