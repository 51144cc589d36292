using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// Two nodes on one PostgreSQL database that claim due listeners at the same moment never both get one: the claim of
/// the second waits for, or skips, what the first has locked, and never overwrites a lease the first has just taken.
/// </summary>
public sealed class ListenerClaimTests : IAsyncLifetime
{
    private const int Listeners = 20;
    private readonly string _keys = Directory.CreateTempSubdirectory("credo-claim-").FullName;
    private PostgreSqlServer.TemporaryDatabase? _database;
    private CoreServices? _nodeA;
    private CoreServices? _nodeB;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        _nodeA = await NodeAsync("node-a");
        _nodeB = await NodeAsync("node-b");
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
        foreach (var node in new[] { _nodeA, _nodeB })
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
        var claimedByA = await _nodeA.Get<ListenerLease>(scopeA).ClaimDueAsync([], Listeners / 2, Ct);
        Assert.Equal(Listeners / 2, claimedByA.Count);

        // Node B claims every due listener meanwhile; A commits while B's statement runs (or waits).
        var claimingB = Task.Run(async () =>
        {
            await using var scopeB = _nodeB!.Scope();
            return await _nodeB.Get<ListenerLease>(scopeB).ClaimDueAsync([], Listeners, Ct);
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
        var claimedByA = await _nodeA.Get<ListenerLease>(scopeA).ClaimDueAsync([], Listeners, Ct);
        await using var scopeB = _nodeB!.Scope();

        var claimedByB = await _nodeB.Get<ListenerLease>(scopeB).ClaimDueAsync([], Listeners, Ct);

        Assert.Equal(Listeners, claimedByA.Count);
        Assert.Empty(claimedByB);
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
