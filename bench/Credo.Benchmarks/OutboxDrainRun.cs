using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Persistence;
using Credo.Core.Webhooks;
using Credo.Imap;
using Credo.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Credo.Benchmarks;

/// <summary>
/// <c>outbox</c>: one IMAP listener (mark read) records 1,000 waiting mails of about 20 KB from a private Dovecot on
/// loopback while the webhook dispatcher sends each as a signed webhook to a Kestrel receiver on loopback that verifies
/// every signature, as the server runs them (the poll as the engine calls it, the dispatcher as its hosted service). Cases,
/// side by side in alternating order, a fresh folder and listener each: recording only (no webhook), and with a webhook
/// sent 1 at a time (<c>Credo:Webhooks:MaxConcurrentDeliveries=1</c>) and at the default, and at the default started only once every mail
/// is recorded (what recording the outbox entries costs without sends meanwhile). Reports mails per second of
/// recording, and end to end from the engine's start to the last mail at the receiver and from the first mail at the
/// receiver to the last; the duplicates and missing at the receiver (must be 0 and 0) and the connections it saw.
/// Needs Dovecot (<c>dovecot-imapd</c>). Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- outbox [rounds]</c>.
/// </summary>
internal static class OutboxDrainRun
{
    private const int Mails = 1000;
    private const string Mailbox = "outbox@credo.test";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        await using var bench = await ImapBench.StartAsync("outbox-bench", Mailbox, configure: services => services.AddCredoOutboundHttpClient(WebhookDispatcher.HttpClientName));
        var dovecot = bench.Dovecot;
        await using var receiver = await Receiver.StartAsync();
        var defaultLimit = new WebhookOptions().MaxConcurrentDeliveries;
        Case[] cases =
        [
            new("recording only, no webhook", null),
            new("webhook, 1 at a time (MaxConcurrentDeliveries=1)", 1),
            new($"webhook, default (MaxConcurrentDeliveries={defaultLimit})", defaultLimit),
            new($"webhook, default, dispatcher started once all are recorded", defaultLimit, StartAfterRecording: true),
        ];
        var results = cases.ToDictionary(c => c.Name, _ => new List<Drain>());
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms up the JIT and is not reported; the order alternates so that a slow stretch of the shared
            // machine does not always hit the same case.
            foreach (var c in round % 2 == 0 ? cases : cases.Reverse())
            {
                var name = $"INBOX.r{round}c{Array.IndexOf(cases, c)}";
                await dovecot.CreateFolderAsync(Mailbox, name);
                for (var i = 0; i < Mails; i++)
                {
                    await dovecot.DeliverAsync(Mailbox, Mail(i), name);
                }

                var drain = await DrainAsync(bench.Services, receiver, dovecot.PlainPort, bench.CredentialId, c, $"Inbox/{name[6..]}");
                Console.WriteLine($"round {round}, {c.Name}: load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, recorded in {drain.Recorded.TotalMilliseconds:N0} ms" +
                    (c.Limit is null ? "" : $", last at the receiver after {drain.LastReceived!.Value.TotalMilliseconds:N0} ms (first {drain.FirstReceived!.Value.TotalMilliseconds:N0} ms), " +
                        $"{drain.Duplicates} duplicates, {drain.Missing} missing, {drain.Connections} connections"));
                if (round > 0)
                {
                    results[c.Name].Add(drain);
                }
            }
        }

        Print(cases, results);
        return results.Values.SelectMany(r => r).Any(d => d.Duplicates != 0 || d.Missing != 0) ? 1 : 0;
    }

    private static async Task<Drain> DrainAsync(ServiceProvider provider, Receiver receiver, int port, Guid credentialId, Case c, string path)
    {
        Guid listenerId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(new ListenerInput
            {
                Name = "Outbox " + path, Protocol = ImapProtocol.Id, Mailbox = Mailbox, Folder = path, CredentialId = credentialId,
                Settings = new ListenerSettings().Set(ImapProtocol.Id, "host", "127.0.0.1").Set(ImapProtocol.Id, "port", port).Set(ImapProtocol.Id, "security", ImapSecurity.None),
                WebhookUrl = c.Limit is null ? null : receiver.Url.ToString(), WebhookSecret = c.Limit is null ? null : receiver.Secret,
            }, "bench", CancellationToken.None);
            listenerId = change.Value?.Id ?? throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
        }

        receiver.Reset();
        WebhookDispatcher? dispatcher = null;
        if (c.Limit is { } limit)
        {
            // Read by the dispatcher when a drain begins; the monitor hands out this instance.
            provider.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue.MaxConcurrentDeliveries = limit;
            dispatcher = ActivatorUtilities.CreateInstance<WebhookDispatcher>(provider);
        }

        var watch = Stopwatch.StartNew();
        receiver.Clock = watch;
        if (dispatcher is not null && !c.StartAfterRecording)
        {
            await dispatcher.StartAsync(CancellationToken.None);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            if (!await scope.ServiceProvider.GetRequiredService<ListenerLease>().TryAcquireAsync(listenerId, CancellationToken.None))
            {
                throw new InvalidOperationException("The lease was not free.");
            }

            await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(listenerId, CancellationToken.None);
        }

        var recorded = watch.Elapsed;
        HashSet<string> ids;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var count = await db.ReceivedMessages.CountAsync(m => m.ListenerId == listenerId);
            if (count != Mails)
            {
                var error = await db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.LastError).SingleAsync();
                throw new InvalidOperationException($"One poll recorded {count} of {Mails} mails: {error}");
            }

            ids = (await db.ReceivedMessages.Where(m => m.ListenerId == listenerId).Select(m => m.Id).ToListAsync()).Select(id => id.ToString()).ToHashSet(StringComparer.Ordinal);
        }

        if (dispatcher is null)
        {
            return new Drain(recorded, null, null, 0, 0, 0);
        }

        if (c.StartAfterRecording)
        {
            await dispatcher.StartAsync(CancellationToken.None);
        }

        await receiver.AllAsync(ids, TimeSpan.FromMinutes(5));
        await dispatcher.StopAsync(CancellationToken.None);
        dispatcher.Dispose();
        var (first, last) = receiver.Span();
        var distinct = receiver.Ids.Keys.ToHashSet(StringComparer.Ordinal);
        return new Drain(recorded, first, last, receiver.Requests - distinct.Count, ids.Count(id => !distinct.Contains(id)), receiver.Connections.Count);
    }

    private static void Print(Case[] cases, Dictionary<string, List<Drain>> results)
    {
        static string Rate(TimeSpan elapsed) => (Mails / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);
        static string Rates(IEnumerable<TimeSpan> elapsed) => string.Join(", ", elapsed.Select(Rate));
        Console.WriteLine();
        Console.WriteLine($"| {Mails:N0} mails of about 20 KB over IMAP (Dovecot), webhook to a loopback receiver | recording mails/s (median; each round) | end to end from the engine's start, mails/s | first to last at the receiver, mails/s | duplicates / missing | receiver connections |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in cases)
        {
            var drains = results[c.Name];
            var recording = $"{Rate(Median(drains.Select(d => d.Recorded)))} ({Rates(drains.Select(d => d.Recorded))})";
            if (c.Limit is null)
            {
                Console.WriteLine($"| {c.Name} | {recording} | | | | |");
                continue;
            }

            var endToEnd = drains.Select(d => d.LastReceived!.Value).ToList();
            var firstToLast = drains.Select(d => d.LastReceived!.Value - d.FirstReceived!.Value).ToList();
            Console.WriteLine($"| {c.Name} | {recording} | **{Rate(Median(endToEnd))}** ({Rates(endToEnd)}) | {Rate(Median(firstToLast))} ({Rates(firstToLast)}) | " +
                $"{drains.Sum(d => d.Duplicates)} / {drains.Sum(d => d.Missing)} | {string.Join(", ", drains.Select(d => d.Connections))} |");
        }

        var alone = Median(results[cases[0].Name].Select(d => d.Recorded));
        Console.WriteLine();
        foreach (var c in cases.Where(c => c.Limit is not null))
        {
            var endToEnd = Median(results[c.Name].Select(d => d.LastReceived!.Value));
            Console.WriteLine($"{c.Name}: end to end / recording only: {alone / endToEnd:0.00} of the recording-only rate");
        }
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static byte[] Mail(int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender " + i, $"sender{i}@example.test"));
        message.To.Add(new MailboxAddress("Bench", Mailbox));
        message.Subject = $"Outbox mail {i}";
        message.MessageId = $"outbox-{i}-{Guid.NewGuid():N}@imap.credo.test";
        var body = new BodyBuilder { TextBody = $"Body of mail {i}." };
        body.Attachments.Add("data.bin", new byte[14_000], new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// A case: no webhook (null Limit), or the dispatcher with this MaxConcurrentDeliveries; started with the
    /// poll, or once it has recorded every mail (what recording the outbox entries costs, without sending meanwhile).
    /// </summary>
    private sealed record Case(string Name, int? Limit, bool StartAfterRecording = false);

    /// <summary>
    /// A webhook receiver on Kestrel (127.0.0.1) that verifies each signature as the README tells receivers to and answers
    /// 204; it keeps when each delivery id first came (on <see cref="Clock"/>), the requests and the connections they came on.
    /// </summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private Receiver(WebApplication app) => _app = app;

        public string Secret { get; } = WebhookSignature.NewSecret();

        public Uri Url { get; private set; } = null!;

        public Stopwatch Clock { get; set; } = Stopwatch.StartNew();

        public ConcurrentDictionary<string, TimeSpan> Ids { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte> Connections { get; } = new(StringComparer.Ordinal);

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
            var receiver = new Receiver(builder.Build());
            receiver._app.Run(receiver.HandleAsync);
            await receiver._app.StartAsync();
            receiver.Url = new Uri(receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/mail");
            return receiver;
        }

        public void Reset()
        {
            Ids.Clear();
            Connections.Clear();
            Volatile.Write(ref _requests, 0);
        }

        public async Task AllAsync(HashSet<string> ids, TimeSpan timeout)
        {
            var waited = Stopwatch.StartNew();
            while (ids.Any(id => !Ids.ContainsKey(id)))
            {
                if (waited.Elapsed > timeout)
                {
                    throw new InvalidOperationException($"Only {Ids.Count} of {ids.Count} deliveries came within {timeout}.");
                }

                await Task.Delay(20);
            }
        }

        public (TimeSpan First, TimeSpan Last) Span() => (Ids.Values.Min(), Ids.Values.Max());

        public ValueTask DisposeAsync() => _app.DisposeAsync();

        private async Task HandleAsync(HttpContext context)
        {
            Interlocked.Increment(ref _requests);
            Connections.TryAdd(context.Connection.Id, 0);
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers;
            var id = headers["webhook-id"].ToString();
            if (!WebhookSignature.Verify(Secret, id, headers["webhook-timestamp"].ToString(), body, headers["webhook-signature"].ToString(), TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(5)))
            {
                context.Response.StatusCode = 400;
                return;
            }

            Ids.TryAdd(id, Clock.Elapsed);
            context.Response.StatusCode = 204;
        }
    }

    private sealed record Drain(TimeSpan Recorded, TimeSpan? FirstReceived, TimeSpan? LastReceived, int Duplicates, int Missing, int Connections);
}
