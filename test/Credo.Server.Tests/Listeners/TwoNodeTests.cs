using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Persistence;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Credo.Server.Hosting;
using Credo.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Two Credo nodes on one PostgreSQL database: one node at a time polls a listener, the other takes over from a dead owner,
/// and a Graph change notification received by either node makes the node that holds the listener poll it at once.
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private readonly List<string> _folders = [];
    private string? _database;
    private string? _admin;
    private SandboxServer? _sandbox;

    public async ValueTask InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("CREDO_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(_admin))
        {
            var reason = "CREDO_TEST_POSTGRES is not set: the two-node test needs a PostgreSQL server (.ci/run starts one).";
            MissingPrerequisite.Stop(reason);
        }

        _database = "credo_nodes_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 }, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task One_node_at_a_time_polls_a_listener_and_a_dead_owner_is_taken_over()
    {
        var mailbox = _sandbox!.Mailboxes.Create(SandboxOptions.DemoMailbox);
        var inbox = mailbox.WellKnown("inbox");
        for (var i = 0; i < 50; i++)
        {
            mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address), inbox.Id);
        }

        await using var nodeA = await StartNodeAsync("node-a");
        var listenerId = await SetUpListenerAsync(nodeA);
        var nodeB = await StartNodeAsync("node-b");
        await using var _ = nodeB;

        // The Data Protection key ring is in the database: node B reads the secret node A stored.
        await using (var scope = nodeB.Services.CreateAsyncScope())
        {
            var credentials = scope.ServiceProvider.GetRequiredService<CredentialStore>();
            var stored = await credentials.FindAsync("Sandbox for Shared", TestContext.Current.CancellationToken);
            Assert.Equal(SandboxClient.Default().ClientSecret, scope.ServiceProvider.GetRequiredService<CredentialSecrets>().ToClientCredentials(stored!).ClientSecret!.Reveal());
        }

        // While both run, one node holds the lease throughout.
        await ListenerServerFixture.EventuallyAsync(async () => await RecordedAsync(nodeB) == 50, "the first 50 mails are recorded");
        var owners = new HashSet<string?>();
        for (var i = 0; i < 30; i++)
        {
            owners.Add(await OwnerAsync(nodeB, listenerId));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var owner = Assert.Single(owners);
        Assert.NotNull(owner);

        // The owner dies (without releasing its lease); after the lease expires, the other node takes over.
        var (dead, survivor, survivorName) = owner == "node-a" ? (nodeA, nodeB, "node-b") : (nodeB, nodeA, "node-a");
        await dead.DisposeAsync();
        for (var i = 0; i < 20; i++)
        {
            mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address), inbox.Id);
        }

        await ListenerServerFixture.EventuallyAsync(async () => await OwnerAsync(survivor, listenerId) == survivorName, $"{survivorName} takes the lease over");
        await ListenerServerFixture.EventuallyAsync(async () => await RecordedAsync(survivor) == 70, "the 20 new mails are recorded by the survivor");
        var keys = await QueryAsync(survivor, db => db.ReceivedMessages.Select(m => m.DedupeKey).ToListAsync());
        Assert.Equal(70, keys.Distinct().Count());
    }

    [Fact]
    public async Task Both_nodes_show_the_same_status_and_the_live_poll_of_a_listener_one_of_them_polls()
    {
        var throttled = _sandbox!.Mailboxes.Create("throttled@sandbox.test");
        throttled.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.ServerBusy, 1, BackOffMilliseconds: 2000));
        await using var nodeA = await StartNodeAsync("node-a");
        await using var nodeB = await StartNodeAsync("node-b");
        var slowId = await SetUpListenerAsync(nodeA, "Throttled", _sandbox.EwsEndpoint.ToString(), throttled.Address);
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        closed.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)closed.LocalEndPoint!).Port;
        var refusedId = await SetUpListenerAsync(nodeA, "Refused", $"http://127.0.0.1:{port}/EWS/Exchange.asmx", SandboxOptions.DemoMailbox);
        string key;
        await using (var scope = nodeA.Services.CreateAsyncScope())
        {
            key = (await scope.ServiceProvider.GetRequiredService<Credo.Core.ApiKeys.ApiKeyService>().CreateAsync("viewer", Credo.Core.Users.UserRole.Viewer, "tests", TestContext.Current.CancellationToken)).Value;
        }

        // Whichever node polls them, both answer the same: the refused server's cause, and what the long poll does.
        foreach (var node in new[] { nodeA, nodeB })
        {
            await ListenerServerFixture.EventuallyAsync(async () =>
            {
                var health = await HealthAsync(node, key, refusedId);
                return health.GetProperty("status").GetString() == "Error"
                    && health.GetProperty("error").GetString()!.Contains($"Cannot connect to 127.0.0.1:{port}", StringComparison.Ordinal);
            }, $"{node.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Credo.Core.Listeners.Engine.ListenerOptions>>().Value.NodeName} shows the refused server's cause");
            await ListenerServerFixture.EventuallyAsync(
                async () => (await HealthAsync(node, key, slowId)).GetProperty("polling").GetString()?.Contains("because the server throttled", StringComparison.Ordinal) == true,
                "both nodes show what the throttled poll does");
        }
    }

    [Fact]
    public async Task A_notification_wakes_the_holder_at_once_through_PostgreSQL_and_again_after_its_listening_connection_dropped()
    {
        // The engines tick every five minutes: only a wake-up (in-process, or NOTIFY from the other node) can make them poll
        // within this test's two minutes.
        string[] slowTick = ["--Credo:Listeners:Tick=00:05:00", "--Credo:Listeners:LeaseDuration=00:10:00"];
        var mailbox = _sandbox!.Mailboxes.Create("woken@sandbox.test");
        await using var nodeA = await StartNodeAsync("node-a", push: true, slowTick);
        await using var nodeB = await StartNodeAsync("node-b", push: true, slowTick);

        // A new listener is made due, and the wake-up reaches both nodes: one claims it, polls it and subscribes.
        var listenerId = await SetUpGraphListenerAsync(nodeA, mailbox.Address);
        await ListenerServerFixture.EventuallyAsync(
            async () => await QueryAsync(nodeA, db => db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.PushSubscriptionId).SingleAsync()) is not null,
            "the new listener is polled and subscribed");
        var holder = await OwnerAsync(nodeA, listenerId);
        var (other, holderNode) = holder == "node-a" ? (nodeB, nodeA) : (nodeA, nodeB);

        // Received by the other node (NOTIFY), by the holder itself (in-process), and by the other node again once the
        // holder's listening connection was cut (it reconnects).
        await NotifyAndAwaitPollAsync(mailbox, other, listenerId, "the other node");
        await NotifyAndAwaitPollAsync(mailbox, holderNode, listenerId, "the holder");
        await using (var admin = new NpgsqlConnection(_admin))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var cut = new NpgsqlCommand(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{_database}' AND application_name = 'credo-wake'", admin);
            Assert.Equal(2L, await cut.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        await ListenerServerFixture.EventuallyAsync(
            async () =>
            {
                await using var admin = new NpgsqlConnection(_admin);
                await admin.OpenAsync(TestContext.Current.CancellationToken);
                await using var count = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{_database}' AND application_name = 'credo-wake'", admin);
                return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 2;
            },
            "both nodes listen again");
        await NotifyAndAwaitPollAsync(mailbox, other, listenerId, "the other node, after the reconnection");
        Assert.Equal(holder, await OwnerAsync(holderNode, listenerId));
    }

    // Posts a change notification of the listener's subscription to RECEIVER and waits for the holder's delta poll.
    private static async Task NotifyAndAwaitPollAsync(SandboxMailbox mailbox, WebApplication receiver, Guid listenerId, string what)
    {
        var (subscription, stored) = await QueryAsync(receiver, db => db.EmailListeners.Where(l => l.Id == listenerId)
            .Select(l => new ValueTuple<string, string>(l.PushSubscriptionId!, l.ProtectedPushClientState!)).SingleAsync());
        var clientState = receiver.Services.GetRequiredService<Credo.Core.Security.SecretProtector>().TryUnprotectPushClientState(stored)!;
        mailbox.ResetRequests();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = new Uri(receiver.Urls.First()) };
        using var posted = await http.PostAsync(
            "/hooks/graph",
            new StringContent($$"""{"value":[{"subscriptionId":"{{subscription}}","clientState":"{{clientState}}","changeType":"created"}]}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, posted.StatusCode);
        await ListenerServerFixture.EventuallyAsync(
            () => Task.FromResult(mailbox.Requests.ByOperation.GetValueOrDefault("graph:delta") >= 1), $"the holder polls after a notification to {what}");
        TestContext.Current.TestOutputHelper?.WriteLine($"Notification to {what} -> holder's delta request: {watch.ElapsedMilliseconds} ms (engine tick 5 min)");
    }

    private static async Task<System.Text.Json.JsonElement> HealthAsync(WebApplication node, string key, Guid listenerId)
    {
        using var http = new HttpClient { BaseAddress = new Uri(node.Urls.First()) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await http.GetAsync($"/api/v1/listeners/{listenerId}", TestContext.Current.CancellationToken);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("health").Clone();
    }

    // With push, the node listens at a port chosen first, which is its Credo:PublicUrl.
    private async Task<WebApplication> StartNodeAsync(string name, bool push = false, string[]? settings = null)
    {
        var data = Directory.CreateTempSubdirectory("credo-node-").FullName;
        _folders.Add(data);
        var connection = new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString;
        var url = push ? $"http://127.0.0.1:{LoopbackPort.Free()}" : "http://127.0.0.1:0";
        var app = CredoServer.Build(new ServeSettings(false, data, url,
        [
            "--Credo:Database:Provider=PostgreSql", $"--ConnectionStrings:Credo={connection}", $"--Credo:Listeners:NodeName={name}",
            "--Credo:Listeners:LeaseDuration=00:00:05", "--Credo:Listeners:Tick=00:00:00.100", "--CREDO_ADMIN_PASSWORD=two-node-password",
            .. push ? [$"--Credo:PublicUrl={url}"] : Array.Empty<string>(),
            .. settings ?? [],
        ]));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private Task<Guid> SetUpListenerAsync(WebApplication node, string name = "Shared", string? ewsUrl = null, string mailbox = SandboxOptions.DemoMailbox) =>
        AddListenerAsync(node, SandboxClient.ExchangeOnlineScope, new ListenerInput
        {
            Name = name, Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", ewsUrl ?? _sandbox!.EwsEndpoint.ToString()), Mailbox = mailbox, PollIntervalSeconds = 5,
        });

    private Task<Guid> SetUpGraphListenerAsync(WebApplication node, string mailbox) =>
        AddListenerAsync(node, SandboxClient.GraphScope, new ListenerInput
        {
            Name = "Pushed", Protocol = Credo.Core.Listeners.Sources.Graph.GraphProtocol.Id,
            Settings = new ListenerSettings().Set(Credo.Core.Listeners.Sources.Graph.GraphProtocol.Id, "url", _sandbox!.GraphEndpoint.ToString()),
            Mailbox = mailbox, PollIntervalSeconds = 900,
        });

    // The listener, with a credential of its own ("Sandbox for NAME") for the sandbox's client and the scope.
    private async Task<Guid> AddListenerAsync(WebApplication node, string scope, ListenerInput input)
    {
        await using var services = node.Services.CreateAsyncScope();
        var client = SandboxClient.Default();
        var credential = await services.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Sandbox for " + input.Name, ClientId = client.ClientId, ClientSecret = client.ClientSecret, TokenEndpoint = _sandbox!.TokenEndpoint.ToString(),
            Scopes = scope, ResourceHosts = "127.0.0.1",
        }, "tests", TestContext.Current.CancellationToken);
        input.CredentialId = credential.Value!.Id;
        var change = await services.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(input, "tests", TestContext.Current.CancellationToken);
        Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
        return change.Value!.Id;
    }

    private static Task<int> RecordedAsync(WebApplication node) => QueryAsync(node, db => db.ReceivedMessages.CountAsync());

    private static Task<string?> OwnerAsync(WebApplication node, Guid id) =>
        QueryAsync(node, db => db.EmailListeners.AsNoTracking().Where(l => l.Id == id).Select(l => l.LeaseOwner).SingleAsync());

    private static async Task<T> QueryAsync<T>(WebApplication node, Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CredoDbContext>());
    }
}
