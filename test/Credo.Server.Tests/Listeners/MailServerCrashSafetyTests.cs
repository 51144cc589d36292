using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// <c>credo serve</c> as a child process reading 1,000 mails from a real Dovecot, killed with SIGKILL three times while it
/// works: in the end every mail is recorded exactly once, and on the server <c>\Seen</c> (IMAP) or deleted (POP3, whose
/// deletions take effect only at <c>QUIT</c>, so a kill in between leaves them for the next run to delete again).
/// </summary>
public sealed class MailServerCrashSafetyTests : IAsyncLifetime
{
    private const int Mails = 1000;
    private const int Kills = 3;
    private const string Mailbox = "kill@credo.test";
    private static readonly SandboxClient Client = new()
    {
        ClientId = "imap-kill", ClientSecret = "imap-kill-secret", Roles = ["IMAP.AccessAsApp"],

        // Dovecot takes the login user from the introspected token's subject.
        Claims = new Dictionary<string, string> { ["sub"] = Mailbox },
    };

    private readonly string _data = Directory.CreateTempSubdirectory("credo-imap-kill-").FullName;
    private SandboxServer? _sandbox;
    private DovecotServer? _dovecot;

    public async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(Client);
        _sandbox = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        var introspection = new UriBuilder(_sandbox.IntrospectionEndpoint) { UserName = Client.ClientId, Password = Client.ClientSecret }.Uri;
        _dovecot = await DovecotServer.StartAsync(introspection, "sub", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Theory]
    [InlineData("imap")]
    [InlineData("pop3")]
    public async Task Killing_the_server_three_times_while_it_reads_the_mailbox_loses_no_mail_and_records_none_twice(string protocol)
    {
        var pop3 = protocol == "pop3";
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < Mails; i++)
        {
            await _dovecot!.DeliverAsync(Mailbox, Mail(i, withMessageId: i % 25 != 0, withAttachment: i % 10 == 0), cancellationToken: ct);
        }

        await CliAsync(["credentials", "add", "--name", "Sandbox", "--client-id", Client.ClientId, "--client-secret-stdin", "--token-endpoint", _sandbox!.TokenEndpoint.ToString(), "--scope", SandboxClient.ExchangeOnlineScope, "--resource-hosts", "127.0.0.1"], Client.ClientSecret);
        var port = (pop3 ? _dovecot!.Pop3PlainPort : _dovecot!.PlainPort).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await CliAsync(["listeners", "add", "--name", "Kill test", "--credential", "Sandbox", "--mailbox", Mailbox, "--protocol", protocol,
            $"--{protocol}-host", "127.0.0.1", $"--{protocol}-port", port, $"--{protocol}-security", "none", "--sasl", "xoauth2",
            .. pop3 ? ["--after", "delete"] : Array.Empty<string>(), "--poll-interval", "5s"], "");

        var killedAt = new List<int>();
        for (var kill = 0; kill < Kills; kill++)
        {
            var before = Count().Recorded;
            await using var credo = StartServer();
            try
            {
                // A server that drained the folder before it was killed leaves the next one nothing to record: that
                // kill is still made, and the assertion below proves that at least one landed in the middle of the run.
                await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(Count().Recorded is var now && (now > before || now == Mails)), "the restarted server records mail");
            }
            catch (Exception)
            {
                Dump(credo);
                await DumpDovecotErrorsAsync();
                throw;
            }

            // Dovecot drains fast: one page a poll and a tick of 250 ms (StartServer) make a run of 1,000 mails take
            // at least 2.5 s on any machine, so a kill within 400 ms of the first record lands in its middle, in a
            // page or between two.
            await Task.Delay(Random.Shared.Next(0, 400), ct);
            killedAt.Add(Count().Recorded);
        }

        await using (var last = StartServer())
        {
            try
            {
                await ListenerServerFixture.EventuallyAsync(
                    async () => Count().Recorded == Mails && (pop3
                        ? await _dovecot.CountAsync(Mailbox, cancellationToken: ct) == 0
                        : (await _dovecot.FlagsAsync(Mailbox, cancellationToken: ct)).Values.All(f => f.Contains("\\Seen", StringComparison.Ordinal))),
                    pop3 ? "every mail is recorded and deleted" : "every mail is recorded and seen");
            }
            catch (Exception)
            {
                Dump(last);
                await DumpDovecotErrorsAsync();
                throw;
            }
        }

        var (recorded, distinct) = Count();
        var flags = await _dovecot.FlagsAsync(Mailbox, cancellationToken: ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{protocol} kill test: mails={Mails}, kills={Kills} (recorded at each kill: {string.Join(", ", killedAt)}), recorded={recorded}, duplicates={recorded - distinct}, lost={Mails - distinct}, logins={await (pop3 ? _dovecot.Pop3LoginsAsync(ct) : _dovecot.LoginsAsync(ct))}");
        Assert.Equal(Mails, recorded);
        Assert.Equal(Mails, distinct);
        Assert.Equal(pop3 ? 0 : Mails, flags.Count);
        Assert.All(flags.Values, f => Assert.Contains("\\Seen", f, StringComparison.Ordinal));
        Assert.Contains(killedAt, n => n is > 0 and < Mails);
    }

    private static byte[] Mail(int i, bool withMessageId, bool withAttachment)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender " + i, $"sender{i}@example.test"));
        message.To.Add(new MailboxAddress("Kill", Mailbox));
        message.Subject = $"Kill test mail {i}";
        var body = new BodyBuilder { TextBody = $"Body of mail {i}." };
        if (withAttachment)
        {
            body.Attachments.Add("data.bin", new byte[2048], new ContentType("application", "octet-stream"));
        }

        message.Body = body.ToMessageBody();
        if (withMessageId)
        {
            message.MessageId = $"kill-{i}@imap.credo.test";
        }
        else
        {
            message.Headers.Remove(HeaderId.MessageId);
        }

        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private async Task DumpDovecotErrorsAsync()
    {
        var log = await _dovecot!.ReadLogAsync(TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', log.Split('\n').Where(l => l.Contains("Error", StringComparison.Ordinal)).Take(20)));
    }

    private static void Dump(CredoProcess credo) => TestContext.Current.TestOutputHelper?.WriteLine(credo.Stdout + credo.Stderr);

    private CredoProcess StartServer() => CredoProcess.Start(
    [
        "serve", "--data", _data, "--urls", "http://127.0.0.1:0",
        "--Credo:Listeners:Tick=00:00:00.250", "--Credo:Listeners:MaxPagesPerPoll=1", "--Credo:Listeners:LeaseDuration=00:00:05",
        "--Credo:Listeners:InitialBackoff=00:00:00.200", "--CREDO_ADMIN_PASSWORD=kill-test-password",
    ]);

    private async Task CliAsync(string[] args, string stdin)
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync([.. args, "--data", _data], stdin);
        Assert.True(exit == 0, stdout + stderr);
    }

    private (int Recorded, int Distinct) Count()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "credo.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DedupeKey FROM received_messages";
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            count++;
            keys.Add(reader.GetString(0));
        }

        return (count, keys.Count);
    }
}
