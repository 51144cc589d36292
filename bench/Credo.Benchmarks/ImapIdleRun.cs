using System.Diagnostics;
using System.Globalization;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Persistence;
using Credo.Imap;
using Credo.Tests;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Credo.Benchmarks;

/// <summary>
/// <c>imapidle</c>: N IMAP listeners with IDLE (default 1,000, each on a folder of its own, poll interval 15 minutes) in one
/// in-process engine (SQLite) against a private Dovecot on loopback that checks the sandbox's tokens (XOAUTH2). Once every
/// listener has polled and the connections have settled, counts the IMAP sessions Dovecot holds (<c>doveadm who</c>) and
/// the established TCP connections to its port (<c>/proc/net/tcp</c>); then APPENDs mails through MailKit (one every
/// 200 ms, each to a listener picked at random) and reads each mail's time from the end of its APPEND to its
/// <c>RecordedAt</c>. Needs Dovecot (<c>dovecot-imapd</c>).
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- imapidle [listeners=1000] [mails=100]</c>.
/// </summary>
/// <remarks>A run mode: the figures are connection counts and wall-clock latencies of a whole engine, not a CPU-bound mean.</remarks>
internal static class ImapIdleRun
{
    private const string Mailbox = "idle-bench@credo.test";
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var mails = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;

        // Room for two connections a listener (IDLE beside polling, as before issue 27) and the bench's own.
        await using var bench = await ImapBench.StartAsync("imap-idle-bench", Mailbox, runInBackground: true, maxSessions: (count * 2) + 50, configure: services =>
        {
            services.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
            services.Configure<ListenerOptions>(o => o.NodeName = "imapidle-bench");
        });
        var (dovecot, provider) = (bench.Dovecot, bench.Services);
        await using (var creating = await ConnectAsync(dovecot, await bench.TokenAsync()))
        {
            var inbox = creating.Client.Inbox;
            for (var i = 0; i < count; i++)
            {
                await inbox.CreateAsync(Name(i), isMessageFolder: true);
            }
        }

        IHostedService[] hosted = [];
        try
        {
            await using (var scope = provider.CreateAsyncScope())
            {
                var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
                for (var i = 0; i < count; i++)
                {
                    var change = await listeners.CreateAsync(new ListenerInput
                    {
                        Name = "IDLE " + Name(i), Protocol = ImapProtocol.Id, Mailbox = Mailbox, Folder = "Inbox/" + Name(i), CredentialId = bench.CredentialId, PollIntervalSeconds = 900,
                        Settings = new ListenerSettings().Set(ImapProtocol.Id, "host", "127.0.0.1").Set(ImapProtocol.Id, "port", dovecot.PlainPort).Set(ImapProtocol.Id, "security", ImapSecurity.None),
                    }, "bench", CancellationToken.None);
                    _ = change.Value ?? throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
                }

                hosted = [.. scope.ServiceProvider.GetServices<IHostedService>()];
            }

            var started = Stopwatch.StartNew();
            foreach (var service in hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }

            // Every listener polls once, then the connections settle: unchanged for 10 s.
            var (sessions, established) = (-1, -1);
            var steadySince = Stopwatch.StartNew();
            while (started.Elapsed < TimeSpan.FromMinutes(10))
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                var polled = await QueryAsync(provider, db => db.EmailListeners.CountAsync(l => l.LastPollAt != null));
                var now = (await dovecot.ConnectionsAsync(), Established(dovecot.PlainPort));
                if (now != (sessions, established))
                {
                    (sessions, established) = now;
                    steadySince.Restart();
                }

                Console.WriteLine($"{started.Elapsed.TotalSeconds:0} s: {polled} of {count} listeners polled, {sessions} IMAP sessions, {established} TCP connections");
                if (polled == count && steadySince.Elapsed >= TimeSpan.FromSeconds(10))
                {
                    break;
                }
            }

            // Mails, each appended to a listener picked at random, one every 200 ms; the bench's own connection not counted.
            var random = new Random(27);
            var sent = new Dictionary<string, DateTimeOffset>();
            await using (var appending = await ConnectAsync(dovecot, await bench.TokenAsync()))
            {
                for (var k = 0; k < mails; k++)
                {
                    var target = await appending.Client.GetFolderAsync("INBOX." + Name(random.Next(count)));
                    var subject = $"IDLE bench mail {k}";
                    await target.AppendAsync(new AppendRequest(Mail(subject)));
                    sent[subject] = TimeProvider.System.GetUtcNow();
                    await Task.Delay(Spacing);
                }
            }

            var subjects = sent.Keys.ToList();
            var recorded = new List<(string? Subject, DateTimeOffset RecordedAt)>();
            var waiting = Stopwatch.StartNew();
            while (waiting.Elapsed < TimeSpan.FromMinutes(2))
            {
                recorded = (await QueryAsync(provider, db => db.ReceivedMessages.Where(m => subjects.Contains(m.Subject!)).Select(m => new { m.Subject, m.RecordedAt }).ToListAsync()))
                    .Select(m => (m.Subject, m.RecordedAt)).ToList();
                if (recorded.Count >= mails)
                {
                    break;
                }

                await Task.Delay(500);
            }

            var after = (await dovecot.ConnectionsAsync(), Established(dovecot.PlainPort));
            var latencies = recorded.Select(r => (r.RecordedAt - sent[r.Subject!]).TotalMilliseconds).Order().ToArray();
            Console.WriteLine();
            Console.WriteLine($"| {count:N0} IMAP listeners with IDLE (Dovecot, loopback) | IMAP sessions at Dovecot (doveadm who) | TCP connections to Dovecot | mails recorded | APPEND → recorded p50 | p90 | max |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            Console.WriteLine($"| settled / after {mails} mails | {sessions:N0} / {after.Item1:N0} | {established:N0} / {after.Item2:N0} | {recorded.Count} of {mails} | {Percentile(latencies, 0.5):N0} ms | {Percentile(latencies, 0.9):N0} ms | {(latencies.Length > 0 ? latencies[^1] : double.NaN):N0} ms |");
            return recorded.Count == mails ? 0 : 1;
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"l{i:D4}");

    // Connections to Dovecot's port, counted on Dovecot's side (the local port is Dovecot's), established (state 01).
    private static int Established(int port)
    {
        var hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[1].EndsWith(hex, StringComparison.Ordinal) && f[3] == "01");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<T> QueryAsync<T>(ServiceProvider provider, Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = provider.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CredoDbContext>());
    }

    private static async Task<BenchImapClient> ConnectAsync(DovecotServer dovecot, string token)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", dovecot.PlainPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(new SaslMechanismOAuth2(Mailbox, token));
        return new BenchImapClient(client);
    }

    private static MimeMessage Mail(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.test"));
        message.To.Add(new MailboxAddress("Bench", Mailbox));
        message.Subject = subject;
        message.MessageId = $"{Guid.NewGuid():N}@imapidle.credo.test";
        message.Body = new TextPart("plain") { Text = "Body of " + subject };
        return message;
    }

    // The bench's own connection, logged out when done.
    private sealed class BenchImapClient(ImapClient client) : IAsyncDisposable
    {
        public ImapClient Client { get; } = client;

        public async ValueTask DisposeAsync()
        {
            await Client.DisconnectAsync(quit: true);
            Client.Dispose();
        }
    }
}
