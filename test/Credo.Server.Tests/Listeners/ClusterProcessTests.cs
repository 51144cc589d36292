using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Persistence;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Credo.Server.Hosting;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Three <c>credo serve</c> processes on one PostgreSQL database, as the README's "Several nodes" describes them: each
/// listener is polled by one node at a time, each node holds its fair share, and the listeners of a node killed with
/// SIGKILL are taken over by the others once their leases expire. The sandbox holds every EWS answer back a little, so
/// that two nodes polling one mailbox at once would show as two requests in flight together. The listeners are created
/// while the nodes run, and each creation wakes all three at once (PostgreSQL NOTIFY), so they claim the same new row
/// at the same moment: a claim that re-checked only its candidate ids after waiting for a row lock (a plain
/// <c>UPDATE … WHERE "Id" IN (SELECT … LIMIT n) RETURNING "Id"</c>) failed here three runs out of three.
/// </summary>
public sealed class ClusterProcessTests : IAsyncLifetime
{
    private const int Nodes = 3;
    private const int Listeners = 30;
    private const int IntervalSeconds = ListenerRules.MinPollIntervalSeconds;
    private const int AnswerDelayMilliseconds = 200;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<string> _folders = [];
    private readonly Dictionary<string, CredoProcess> _nodes = new(StringComparer.Ordinal);
    private PostgreSqlServer.TemporaryDatabase? _database;
    private SandboxServer? _sandbox;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { Pooling = true }.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 }, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _database.DisposeAsync();
        }

        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Three_nodes_share_the_listeners_never_poll_one_mailbox_together_and_take_over_a_killed_node()
    {
        var mailboxes = Enumerable.Range(0, Listeners).Select(i => _sandbox!.Mailboxes.Create($"cluster-{i:D2}@sandbox.test")).ToArray();
        foreach (var mailbox in mailboxes)
        {
            mailbox.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.Delay, OneIn: 1, DelayMilliseconds: AnswerDelayMilliseconds));
        }

        // The database, the first administrator and the credential before any node starts, so that the nodes do not race
        // to create them.
        var seederData = NewFolder();
        await using var seeder = CredoServer.Build(new ServeSettings(false, seederData, "http://127.0.0.1:0", [.. Database(), "--Credo:Listeners:NodeName=seeder"]));
        Guid credentialId;
        await using (var scope = seeder.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(TestContext.Current.CancellationToken);
            await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync("cluster-password", Path.Combine(seederData, "initial-admin-password"), TestContext.Current.CancellationToken);
            var client = SandboxClient.Default();
            var created = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
            {
                Name = "Sandbox", ClientId = client.ClientId, ClientSecret = client.ClientSecret, TokenEndpoint = _sandbox!.TokenEndpoint.ToString(),
                Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = "127.0.0.1",
            }, "tests", TestContext.Current.CancellationToken);
            credentialId = created.Value!.Id;
        }

        for (var i = 1; i <= Nodes; i++)
        {
            StartNode($"node-{i}");
        }

        // The sandbox's first token takes seconds (its keys are made then); three nodes asking for it at once on a busy
        // machine could wait beyond their token timeout. Made meanwhile, it is ready when the first poll asks.
        using (var http = new HttpClient())
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = SandboxClient.ExchangeOnlineScope }))
        {
            var client = SandboxClient.Default();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}")));
            using var token = await http.PostAsync(_sandbox.TokenEndpoint, form, TestContext.Current.CancellationToken);
            token.EnsureSuccessStatusCode();
        }

        await EventuallyAsync(async () => await ScalarAsync("SELECT count(*) FROM listener_nodes") == Nodes
            && await ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'credo-wake'") == Nodes,
            "the three nodes beat and listen for wake-ups");
        Log("three nodes up");

        // Each new listener wakes every node at once (NOTIFY): they all try to claim it at the same moment.
        await using (var scope = seeder.Services.CreateAsyncScope())
        {
            var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
            foreach (var mailbox in mailboxes)
            {
                var change = await listeners.CreateAsync(new ListenerInput
                {
                    Name = mailbox.Address, Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", _sandbox.EwsEndpoint.ToString()), Mailbox = mailbox.Address,
                    CredentialId = credentialId, PollIntervalSeconds = IntervalSeconds,
                }, "tests", TestContext.Current.CancellationToken);
                Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
            }
        }

        // Every mailbox polled, and every listener held, no node more than its share: ⌈30 / 3⌉ = 10 each.
        Log("listeners created");
        await EventuallyAsync(async () => Checked(mailboxes) && mailboxes.All(m => Syncs(m) >= 1) && Held(await HoldersAsync(), Nodes), "every listener is polled and each node holds its share");
        Log("every listener polled and held");

        // node-2 dies without handing anything back; the others take its listeners over once their leases expire.
        const string Killed = "node-2";
        await _nodes[Killed].DisposeAsync();
        _nodes.Remove(Killed);
        var orphans = await OwnedByAsync(Killed);
        Assert.NotEmpty(orphans);
        var syncsAtKill = mailboxes.ToDictionary(m => m.Address, Syncs, StringComparer.OrdinalIgnoreCase);
        await EventuallyAsync(
            async () => Checked(mailboxes) && orphans.All(m => Syncs(_sandbox.Mailboxes.Find(m)!) > syncsAtKill[m]) && (await OwnedByAsync(Killed)).Count == 0 && Held(await HoldersAsync(), Nodes - 1),
            "the survivors poll every listener of the killed node and hold ⌈30 / 2⌉ = 15 each at most");

        Log($"{orphans.Count} listeners of {Killed} taken over");
        Log($"{mailboxes.Sum(Syncs)} polls; most requests in flight to one mailbox {mailboxes.Max(m => m.Requests.MaxInFlight)}, " +
            $"shortest time between two polls of one mailbox {mailboxes.Min(m => m.Requests.ShortestSyncGapMilliseconds ?? double.MaxValue):N0} ms");

        Assert.All(mailboxes, m => Assert.Equal(1, m.Requests.MaxInFlight));
        OnePollerAtATime(mailboxes);
    }

    // Checked while waiting too, so that a broken claim fails the test as such, at once.
    private static void OnePollerAtATime(SandboxMailbox[] mailboxes)
    {
        foreach (var mailbox in mailboxes)
        {
            var requests = mailbox.Requests;
            Assert.True(requests.MaxInFlight <= 1, $"{mailbox.Address} had {requests.MaxInFlight} EWS requests in flight at once: two nodes polled it together.");

            // Two polls of one mailbox come an interval apart (after a kill, a lease apart): two nodes that both took the
            // listener would poll it within moments of each other.
            Assert.True(requests.ShortestSyncGapMilliseconds is null or >= IntervalSeconds * 1000 / 2,
                $"{mailbox.Address} was polled twice within {requests.ShortestSyncGapMilliseconds:N0} ms: two nodes polled it one after the other.");
        }
    }

    private void Log(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{_clock.Elapsed.TotalSeconds:0.0} s: {what}");

    // Every listener held, by NODES nodes, none beyond its fair share.
    private static bool Held(Dictionary<string, int> holders, int nodes) =>
        holders.Count == nodes && holders.Values.Sum() == Listeners && holders.Values.All(h => h <= (Listeners + nodes - 1) / nodes);

    private static bool Checked(SandboxMailbox[] mailboxes)
    {
        OnePollerAtATime(mailboxes);
        return true;
    }

    private static int Syncs(SandboxMailbox mailbox) => mailbox.Requests.ByOperation.GetValueOrDefault("SyncFolderItems");

    private string[] Database() => ["--Credo:Database:Provider=PostgreSql", $"--ConnectionStrings:Credo={ConnectionString}"];

    private string NewFolder()
    {
        var folder = Directory.CreateTempSubdirectory("credo-cluster-").FullName;
        _folders.Add(folder);
        return folder;
    }

    private void StartNode(string name) => _nodes[name] = CredoProcess.Start(
    [
        "serve", "--data", NewFolder(), "--urls", "http://127.0.0.1:0", .. Database(), $"--Credo:Listeners:NodeName={name}",
        "--Credo:Listeners:LeaseDuration=00:00:05", "--Credo:Listeners:Heartbeat=00:00:01", "--Credo:Listeners:Tick=00:00:00.100",
        "--CREDO_ADMIN_PASSWORD=cluster-password",
    ]);

    // Waits as the other listener tests do; on failure, says what each node wrote to its standard error.
    private async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        try
        {
            await ListenerServerFixture.EventuallyAsync(condition, what);
        }
        catch (Exception) when (Dump())
        {
        }
    }

    private bool Dump()
    {
        foreach (var (name, node) in _nodes)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{name} stderr:\n{node.Stderr}");
        }

        return false;
    }

    // Enabled listeners held now (lease not expired), by node.
    private async Task<Dictionary<string, int>> HoldersAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT "LeaseOwner", count(*) FROM email_listeners
            WHERE "Enabled" AND "LeaseOwner" IS NOT NULL AND "LeaseExpiresAt" >= @now GROUP BY "LeaseOwner"
            """, connection);
        command.Parameters.AddWithValue("now", TimeProvider.System.GetUtcNow().UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var holders = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            holders[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return holders;
    }

    // The mailboxes of the listeners NODE holds, expired leases included.
    private async Task<List<string>> OwnedByAsync(string node)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("""SELECT "Mailbox" FROM email_listeners WHERE "LeaseOwner" = @node""", connection);
        command.Parameters.AddWithValue("node", node);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var mailboxes = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            mailboxes.Add(reader.GetString(0));
        }

        return mailboxes;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
