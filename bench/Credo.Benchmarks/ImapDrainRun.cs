using System.Diagnostics;
using System.Globalization;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Persistence;
using Credo.Imap;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Credo.Benchmarks;

/// <summary>
/// <c>imap</c>: one listener (mark read) drains 1,000 waiting mails of about 20 KB from a private Dovecot on loopback,
/// against a raw MailKit <c>UID FETCH BODY.PEEK[]</c> of the same mails in one command, in alternating order; a fresh
/// folder each round. Reports mails per second of both, their ratio, and the IMAP commands per mail the engine sent
/// (counted by a relay between Credo and Dovecot). Needs Dovecot (<c>dovecot-imapd</c>).
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- imap [rounds]</c>.
/// </summary>
internal static class ImapDrainRun
{
    private const int Mails = 1000;
    private const string Mailbox = "bench@credo.test";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        await using var bench = await ImapBench.StartAsync("imap-bench", Mailbox);
        var dovecot = bench.Dovecot;
        await using var proxy = new CountingProxy(dovecot.PlainPort);
        var engine = new List<(TimeSpan Elapsed, long Commands)>();
        var raw = new List<TimeSpan>();
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms up the JIT and is not reported.
            var name = $"INBOX.r{round}";
            await dovecot.CreateFolderAsync(Mailbox, name);
            for (var i = 0; i < Mails; i++)
            {
                await dovecot.DeliverAsync(Mailbox, Mail(i), name);
            }

            var token = await bench.TokenAsync();
            TimeSpan rawElapsed;
            (TimeSpan, long) drained;
            if (round % 2 == 0)
            {
                rawElapsed = await RawFetchAsync(dovecot.PlainPort, token, name);
                drained = await DrainAsync(bench.Services, proxy, bench.CredentialId, $"Inbox/r{round}");
            }
            else
            {
                drained = await DrainAsync(bench.Services, proxy, bench.CredentialId, $"Inbox/r{round}");
                rawElapsed = await RawFetchAsync(dovecot.PlainPort, token, name);
            }

            var seen = (await dovecot.FlagsAsync(Mailbox, name)).Values.Count(f => f.Contains("\\Seen", StringComparison.Ordinal));
            Console.WriteLine($"round {round}: load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, engine {drained.Item1.TotalMilliseconds:N0} ms ({drained.Item2} commands, {seen} seen), raw UID FETCH {rawElapsed.TotalMilliseconds:N0} ms");
            if (seen != Mails)
            {
                throw new InvalidOperationException($"Only {seen} of {Mails} mails are seen.");
            }

            if (round > 0)
            {
                engine.Add(drained);
                raw.Add(rawElapsed);
            }
        }

        var engineRate = Mails / Median(engine.Select(e => e.Elapsed.TotalSeconds));
        var rawRate = Mails / Median(raw.Select(r => r.TotalSeconds));
        Console.WriteLine();
        Console.WriteLine($"| {Mails:N0} mails of about 20 KB over IMAP (Dovecot, loopback) | mails/s (median) | each round ms | IMAP commands/mail |");
        Console.WriteLine("| --- | ---: | --- | ---: |");
        Console.WriteLine($"| engine: search, fetch, record, mark read | {engineRate:N0} | {string.Join(", ", engine.Select(e => e.Elapsed.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)))} | {Median(engine.Select(e => (double)e.Commands)) / Mails:0.000} |");
        Console.WriteLine($"| raw MailKit UID FETCH BODY.PEEK[] of all | {rawRate:N0} | {string.Join(", ", raw.Select(r => r.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)))} | {1.0 / Mails:0.000} |");
        Console.WriteLine();
        Console.WriteLine($"engine / raw fetch: {engineRate / rawRate:0.00} of the raw rate");
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, long Commands)> DrainAsync(ServiceProvider provider, CountingProxy proxy, Guid credentialId, string path)
    {
        Guid listenerId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(new ListenerInput
            {
                Name = "Drain " + path, Protocol = ImapProtocol.Id, Mailbox = Mailbox, Folder = path, CredentialId = credentialId,
                Settings = new ListenerSettings().Set(ImapProtocol.Id, "host", "127.0.0.1").Set(ImapProtocol.Id, "port", proxy.Port).Set(ImapProtocol.Id, "security", ImapSecurity.None),
            }, "bench", CancellationToken.None);
            listenerId = change.Value?.Id ?? throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
        }

        proxy.Reset();
        var watch = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            if (!await scope.ServiceProvider.GetRequiredService<ListenerLease>().TryAcquireAsync(listenerId, CancellationToken.None))
            {
                throw new InvalidOperationException("The lease was not free.");
            }

            await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(listenerId, CancellationToken.None);
        }

        watch.Stop();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var recorded = await db.ReceivedMessages.CountAsync(m => m.ListenerId == listenerId);
            if (recorded != Mails)
            {
                var error = await db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.LastError).SingleAsync();
                throw new InvalidOperationException($"One poll recorded {recorded} of {Mails} mails: {error}");
            }
        }

        return (watch.Elapsed, proxy.Lines);
    }

    private static async Task<TimeSpan> RawFetchAsync(int port, string token, string folderName)
    {
        var watch = Stopwatch.StartNew();
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(new SaslMechanismOAuth2(Mailbox, token));
        var folder = (ImapFolder)await client.GetFolderAsync(folderName);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var uids = await folder.SearchAsync(SearchQuery.All);
        long bytes = 0;
        await folder.GetStreamsAsync(uids, async (_, _, _, stream, ct) =>
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            bytes += buffer.Length;
        });
        await client.DisconnectAsync(quit: true);
        watch.Stop();
        return uids.Count == Mails && bytes > 0 ? watch.Elapsed : throw new InvalidOperationException($"The raw fetch saw {uids.Count} mails.");
    }

    private static byte[] Mail(int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender " + i, $"sender{i}@example.test"));
        message.To.Add(new MailboxAddress("Bench", Mailbox));
        message.Subject = $"Bench mail {i}";
        message.MessageId = $"bench-{i}-{Guid.NewGuid():N}@imap.credo.test";
        var body = new BodyBuilder { TextBody = $"Body of mail {i}." };
        body.Attachments.Add("data.bin", new byte[14_000], new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
