using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// <c>credo serve</c> as a child process, killed with SIGKILL three times at random moments while its listener works
/// through 1,000 mails behind a mailbox that throttles steadily (EWS: <c>ErrorServerBusy</c> for one request in five;
/// Graph: <c>429</c> with <c>Retry-After</c> for one in eleven): in the end every mail is recorded exactly once, marked
/// read, and the receiver saw every delivery id.
/// </summary>
public sealed class CrashSafetyTests : IAsyncLifetime
{
    private const int Mails = 1000;
    private const int Kills = 3;
    private readonly string _data = Directory.CreateTempSubdirectory("credo-kill-").FullName;
    private SandboxServer? _sandbox;
    private WebhookReceiver? _receiver;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 }, cancellationToken: TestContext.Current.CancellationToken);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Theory]
    [InlineData("ews")]
    [InlineData("graph")]
    public async Task Killing_the_server_three_times_behind_a_throttling_mailbox_loses_no_mail_and_records_none_twice(string protocol)
    {
        var graph = protocol == "graph";
        var mailbox = _sandbox!.Mailboxes.Create(SandboxOptions.DemoMailbox);
        for (var i = 0; i < Mails; i++)
        {
            mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address, attachmentBytes: i % 10 == 0 ? 2048 : 0, withoutMessageId: i % 25 == 0), mailbox.WellKnown("inbox").Id);
        }

        // A mailbox that throttles steadily keeps the listener waiting and retrying, so the kills land in the middle of
        // the work, often during a wait.
        mailbox.SetFaultRate(graph
            ? new SandboxFaultRate(SandboxFaultKind.TooManyRequests, OneIn: 11, RetryAfterSeconds: 1)
            : new SandboxFaultRate(SandboxFaultKind.ServerBusy, OneIn: 5, BackOffMilliseconds: 300));
        var client = SandboxClient.Default();
        await CliAsync(["credentials", "add", "--name", "Sandbox", "--client-id", client.ClientId, "--client-secret-stdin", "--token-endpoint", _sandbox.TokenEndpoint.ToString(),
            "--scope", graph ? SandboxClient.GraphScope : SandboxClient.ExchangeOnlineScope, "--resource-hosts", "127.0.0.1"], client.ClientSecret);
        await CliAsync(["listeners", "add", "--name", "Kill test", "--credential", "Sandbox", "--mailbox", mailbox.Address,
            .. graph ? ["--protocol", "graph", "--graph-url", _sandbox.GraphEndpoint.ToString()] : new[] { "--ews-url", _sandbox.EwsEndpoint.ToString() },
            "--poll-interval", "5s", "--webhook-url", _receiver!.Url.ToString(), "--webhook-secret-stdin"], _receiver.Secret);

        var killedAt = new List<int>();
        for (var kill = 0; kill < Kills; kill++)
        {
            // Kill while the listener is at work: once this run has recorded something, at a random moment after.
            var before = Count().Recorded;
            await using var credo = StartServer();
            try
            {
                await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(Count().Recorded > before), "the restarted server records mail");
            }
            catch (Exception) when (Dump(credo))
            {
            }

            await Task.Delay(Random.Shared.Next(0, 1500), TestContext.Current.CancellationToken);
            killedAt.Add(Count().Recorded);
        }

        await using (var last = StartServer())
        {
            await ListenerServerFixture.EventuallyAsync(
                () => Task.FromResult(Count().Recorded == Mails && _receiver.Deliveries.Count == Mails && mailbox.ItemsIn(mailbox.WellKnown("inbox").Id).All(i => i.IsRead)),
                "every mail is recorded, delivered and marked read");
        }

        var (recorded, distinct, ids) = Count();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill test: mails={Mails}, kills={Kills} (recorded at each kill: {string.Join(", ", killedAt)}), recorded={recorded}, duplicates={recorded - distinct}, lost={Mails - distinct}, " +
            $"webhook requests={_receiver.Requests}, distinct delivery ids={_receiver.Deliveries.Count}, {protocol} requests={mailbox.Requests.Total} ({mailbox.Requests.Faulted} throttled), " +
            $"requests per mail={(double)mailbox.Requests.Total / Mails:0.000} ({string.Join(", ", mailbox.Requests.ByOperation.Select(o => $"{o.Key} {o.Value}"))})");
        Assert.Equal(Mails, recorded);
        Assert.Equal(Mails, distinct);
        Assert.True(ids.SetEquals(_receiver.Deliveries.Keys), "Every recorded mail's delivery id reached the receiver.");
        Assert.Empty(_receiver.BadSignatures);
        Assert.Contains(killedAt, n => n is > 0 and < Mails);
        Assert.All(mailbox.ItemsIn(mailbox.WellKnown("inbox").Id), item => Assert.True(item.IsRead));
    }

    [Fact]
    public async Task A_server_restarted_after_kill_9_takes_back_its_listeners_at_once_not_after_their_lease()
    {
        var mailbox = _sandbox!.Mailboxes.Create(SandboxOptions.DemoMailbox);
        mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        var client = SandboxClient.Default();
        await CliAsync(["credentials", "add", "--name", "Sandbox", "--client-id", client.ClientId, "--client-secret-stdin", "--token-endpoint", _sandbox.TokenEndpoint.ToString(),
            "--scope", SandboxClient.ExchangeOnlineScope, "--resource-hosts", "127.0.0.1"], client.ClientSecret);
        await CliAsync(["listeners", "add", "--name", "Restart test", "--credential", "Sandbox", "--mailbox", mailbox.Address,
            "--ews-url", _sandbox.EwsEndpoint.ToString(), "--poll-interval", "5s"], "");

        // Leases of five minutes: a restarted server that were a new node would wait that long for its own listeners.
        string[] serve = ["serve", "--data", _data, "--urls", "http://127.0.0.1:0", "--Credo:Listeners:LeaseDuration=00:05:00", "--CREDO_ADMIN_PASSWORD=kill-test-password"];
        await using (CredoProcess.Start(serve))
        {
            await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(Count().Recorded == 1), "the server records the first mail");
        }

        mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (CredoProcess.Start(serve))
        {
            await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(Count().Recorded == 2), "the restarted server records the next mail within two minutes, before its old lease ends");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"restart after kill -9: the next mail was recorded {clock.Elapsed.TotalSeconds:0.0} s after the restart began");
    }

    private static bool Dump(CredoProcess credo)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(credo.Stdout + credo.Stderr);
        return false;
    }

    private CredoProcess StartServer() => CredoProcess.Start(
    [
        "serve", "--data", _data, "--urls", "http://127.0.0.1:0",
        "--Credo:Listeners:Tick=00:00:00.100", "--Credo:Listeners:LeaseDuration=00:00:05", "--Credo:Listeners:WebhookTimeout=00:00:03",
        "--Credo:Listeners:InitialBackoff=00:00:00.200", "--CREDO_ADMIN_PASSWORD=kill-test-password",
    ]);

    private async Task CliAsync(string[] args, string stdin)
    {
        var (exit, _, stderr) = await CredoProcess.RunAsync([.. args, "--data", _data], stdin);
        Assert.True(exit == 0, stderr);
    }

    private (int Recorded, int Distinct, HashSet<string> Ids) Count()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "credo.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, DedupeKey FROM received_messages";
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            count++;
            ids.Add(reader.GetString(0));
            keys.Add(reader.GetString(1));
        }

        return (count, keys.Count, ids);
    }
}
