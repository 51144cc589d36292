using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// Nodes on one PostgreSQL database that claim due listeners at the same moment never both get one: the claim of the
/// second waits for, or skips, what the first has locked, and never overwrites a lease the first has just taken. Live
/// nodes take their fair share, and a node that holds more than its share hands the surplus back when others join.
/// </summary>
public sealed class ListenerClaimTests : IAsyncLifetime
{
    private const int Listeners = 20;
    private readonly string _keys = Directory.CreateTempSubdirectory("credo-claim-").FullName;
    private PostgreSqlServer.TemporaryDatabase? _database;
    private CoreServices? _nodeA;
    private CoreServices? _nodeB;
    private CoreServices? _nodeC;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        _nodeA = await NodeAsync("node-a");
        _nodeB = await NodeAsync("node-b");
        _nodeC = await NodeAsync("node-c");
        await using var scope = _nodeA.Scope();
        var credential = await _nodeA.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Claims", ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token", Scopes = "https://outlook.office365.com/.default",
        }, "tests", Ct);
        for (var i = 0; i < Listeners; i++)
        {
            var created = await _nodeA.Get<ListenerService>(scope).CreateAsync(new ListenerInput
            {
                Name = $"Claimed {i}", Mailbox = $"box{i}@claims.test", CredentialId = credential.Value!.Id,
            }, "tests", Ct);
            Assert.Equal(ChangeStatus.Done, created.Status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in new[] { _nodeA, _nodeB, _nodeC })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Claims_racing_for_the_same_listeners_never_give_one_to_two_nodes()
    {
        // Node A claims half the due listeners in a transaction it keeps open: its row locks hold until it commits.
        await using var scopeA = _nodeA!.Scope();
        var dbA = _nodeA.Get<CredoDbContext>(scopeA);
        await using var transaction = await dbA.Database.BeginTransactionAsync(Ct);
        var claimedByA = await _nodeA.Get<ListenerLease>(scopeA).ClaimDueAsync([], Listeners / 2, TimeProvider.System.GetUtcNow(), Ct);
        Assert.Equal(Listeners / 2, claimedByA.Count);

        // Node B claims every due listener meanwhile; A commits while B's statement runs (or waits).
        var claimingB = Task.Run(async () =>
        {
            await using var scopeB = _nodeB!.Scope();
            return await _nodeB.Get<ListenerLease>(scopeB).ClaimDueAsync([], Listeners, TimeProvider.System.GetUtcNow(), Ct);
        }, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await transaction.CommitAsync(Ct);
        var claimedByB = await claimingB.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Empty(claimedByA.Intersect(claimedByB));
        Assert.Equal(Listeners, claimedByA.Count + claimedByB.Count);
        await using var check = _nodeA.Scope();
        var owners = await _nodeA.Get<CredoDbContext>(check).EmailListeners.AsNoTracking().ToDictionaryAsync(l => l.Id, l => l.LeaseOwner, Ct);
        Assert.All(claimedByA, id => Assert.Equal("node-a", owners[id]));
        Assert.All(claimedByB, id => Assert.Equal("node-b", owners[id]));
    }

    [Fact]
    public async Task A_node_takes_no_listener_whose_lease_another_node_holds()
    {
        await using var scopeA = _nodeA!.Scope();
        var claimedByA = await _nodeA.Get<ListenerLease>(scopeA).ClaimDueAsync([], Listeners, TimeProvider.System.GetUtcNow(), Ct);
        await using var scopeB = _nodeB!.Scope();

        var claimedByB = await _nodeB.Get<ListenerLease>(scopeB).ClaimDueAsync([], Listeners, TimeProvider.System.GetUtcNow(), Ct);

        Assert.Equal(Listeners, claimedByA.Count);
        Assert.Empty(claimedByB);
    }

    [Fact]
    public async Task Three_live_nodes_each_take_their_fair_share_and_together_all()
    {
        foreach (var node in new[] { _nodeA!, _nodeB!, _nodeC! })
        {
            await BeatAsync(node);
        }

        var claims = await Task.WhenAll(new[] { _nodeA!, _nodeB!, _nodeC! }.Select(node => Task.Run(() => ClaimAsync(node), Ct)));

        // 20 listeners among 3 nodes: at most 7 each (20 / 3, rounded up), none twice, none left.
        Assert.All(claims, claimed => Assert.InRange(claimed.Count, 6, 7));
        Assert.Equal(Listeners, claims.SelectMany(c => c).Distinct().Count());
        Assert.Equal(Listeners, claims.Sum(c => c.Count));
    }

    [Fact]
    public async Task A_node_that_holds_more_than_its_share_hands_the_surplus_back_when_others_join_and_they_take_it()
    {
        await BeatAsync(_nodeA!);
        Assert.Equal(Listeners, (await ClaimAsync(_nodeA!)).Count);
        await DueAsync(TimeSpan.FromMinutes(1));

        // A listener that is due (just claimed, or polling) is never handed back: only those waiting for their next poll.
        await BeatAsync(_nodeB!);
        await BeatAsync(_nodeC!);
        var handedBack = await BeatAsync(_nodeA!);
        await DueAsync(TimeSpan.Zero);
        var claimedByB = await ClaimAsync(_nodeB!);
        var claimedByC = await ClaimAsync(_nodeC!);

        Assert.Equal(Listeners - 7, handedBack);
        Assert.Equal((7, 6), (claimedByB.Count, claimedByC.Count));
        await using var check = _nodeA!.Scope();
        var owners = await _nodeA.Get<CredoDbContext>(check).EmailListeners.AsNoTracking().GroupBy(l => l.LeaseOwner).ToDictionaryAsync(g => g.Key!, g => g.Count(), Ct);
        Assert.Equal(new Dictionary<string, int> { ["node-a"] = 7, ["node-b"] = 7, ["node-c"] = 6 }, owners);
    }

    [Fact]
    public async Task A_node_that_leaves_is_counted_out_at_once()
    {
        foreach (var node in new[] { _nodeA!, _nodeB! })
        {
            await BeatAsync(node);
        }

        await using (var scope = _nodeB!.Scope())
        {
            await _nodeB.Get<ListenerLease>(scope).LeaveAsync(Ct);
        }

        Assert.Equal(Listeners, (await ClaimAsync(_nodeA!)).Count);
    }

    [Fact]
    public async Task A_due_listener_is_not_handed_back()
    {
        await BeatAsync(_nodeA!);
        Assert.Equal(Listeners, (await ClaimAsync(_nodeA!)).Count);
        await BeatAsync(_nodeB!);

        Assert.Equal(0, await BeatAsync(_nodeA!));
    }

    // Every listener due again after this long (as if polled now with that interval).
    private async Task DueAsync(TimeSpan after)
    {
        await using var scope = _nodeA!.Scope();
        var at = TimeProvider.System.GetUtcNow() + after;
        await _nodeA.Get<CredoDbContext>(scope).EmailListeners.ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, at), Ct);
    }

    private static async Task<IReadOnlyList<Guid>> ClaimAsync(CoreServices node)
    {
        await using var scope = node.Scope();
        return await node.Get<ListenerLease>(scope).ClaimDueAsync([], Listeners, TimeProvider.System.GetUtcNow(), Ct);
    }

    private static async Task<int> BeatAsync(CoreServices node)
    {
        await using var scope = node.Scope();
        return await node.Get<ListenerLease>(scope).BeatAsync([], Ct);
    }

    private async Task<CoreServices> NodeAsync(string name) => await CoreServices.StartAsync(
        new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = _database!.ConnectionString },
        _keys,
        services =>
        {
            services.AddCredoListeners(runInBackground: false);
            services.Configure<ListenerOptions>(o => o.NodeName = name);
        });
}
