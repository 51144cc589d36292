using System.Diagnostics;
using System.Globalization;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Persistence;
using Credo.Ews;
using Credo.OAuth;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>drain</c>: one listener (after-processing "mark read", the default) drains 1,000 waiting mails of about 20 KB from
/// the sandbox, unthrottled and behind a mailbox that answers one EWS request in 13 with <c>ErrorServerBusy</c>
/// (BackOffMilliseconds 300), side by side in alternating rounds, with a reference drain that leaves the mails unchanged. Reports the EWS requests per mail by operation (the
/// sandbox's counters), the polls and the elapsed time until every mail is recorded and marked read, and the ratio.
/// With <c>graph</c>, the same over Microsoft Graph, throttled with <c>429</c> and <c>Retry-After: 1</c> for one request
/// in 11. Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- drain [rounds] [ews|graph]</c>.
/// </summary>
/// <remarks>
/// A run mode rather than a BenchmarkDotNet class: each measurement consumes its mailbox (the mails end up read) and
/// the figures that matter are request counts and a wall-clock time dominated by the server's requested waits, not a
/// CPU-bound mean; BenchmarkDotNet would need a new mailbox per invocation and could not report the counts per case.
/// The sandbox runs in process (loopback) and the real poller is called as the engine calls it (lease, then poll).
/// </remarks>
internal static class DrainRun
{
    private const int Mails = 1000;
    private const int AttachmentBytes = 14_000;
    private const int ThrottleOneIn = 13;
    private const int GraphThrottleOneIn = 11;
    private const int MaxPolls = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var graph = args.Length > 1 && args[1].Equals("graph", StringComparison.OrdinalIgnoreCase);
        var folder = Directory.CreateTempSubdirectory("credo-drain-").FullName;
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Mailboxes.Clear();
        await using var sandbox = await SandboxServer.StartAsync(options);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));
        services.AddCredoCore(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "credo.db")}" });
        services.AddCredoListeners(runInBackground: false);
        var provider = services.BuildServiceProvider();
        try
        {
            var credentialId = await SetUpAsync(provider, sandbox, graph ? SandboxClient.GraphScope : SandboxClient.ExchangeOnlineScope);
            // The last case is a reference, not asked for: the same drain with after-processing "leave unchanged", to
            // show what marking read costs in requests and time.
            // A page is 12 requests (1 SyncFolderItems, 10 GetItem, 1 UpdateItem), 13 with the retry of a throttled one,
            // so a 1-in-13 rate falls on the same request of every page: numbered from when it is set, on SyncFolderItems.
            // The third case shifts the numbering by 6 requests before the drain, so that it falls on a GetItem instead
            // (two are in flight at a time), to show both ends.
            // Over Graph, one request in 11 (each request of a $batch counted on its own) answers 429 with Retry-After 1 s.
            var cases = graph
                ? new[]
                {
                    new Case("Graph, unthrottled", null, 0, Protocol: GraphProtocol.Id),
                    new Case($"Graph, 429 for 1 in {GraphThrottleOneIn}, Retry-After 1 s", new SandboxFaultRate(SandboxFaultKind.TooManyRequests, GraphThrottleOneIn, RetryAfterSeconds: 1), 0, Protocol: GraphProtocol.Id),
                    new Case("Graph, unthrottled, leave unchanged (reference)", null, 0, AfterProcessing.None, GraphProtocol.Id),
                }
                : new[]
                {
                    new Case("unthrottled", null, 0),
                    new Case($"throttled 1 in {ThrottleOneIn} (falls on SyncFolderItems)", SandboxFaultRate.ServerBusy(ThrottleOneIn), 0),
                    new Case($"throttled 1 in {ThrottleOneIn} (falls on GetItem)", SandboxFaultRate.ServerBusy(ThrottleOneIn), 6),
                    new Case("unthrottled, leave unchanged (reference)", null, 0, AfterProcessing.None),
                };

            // Warm-up, not reported: until tiered compilation settles, the first drains measure the JIT. A throttled Graph
            // drain waits a second for each throttled answer, so Graph warms up once.
            for (var i = 0; i < (graph ? 1 : 5); i++)
            {
                foreach (var c in cases)
                {
                    await DrainAsync(provider, sandbox, credentialId, c, $"warm{i}");
                }
            }

            var results = cases.ToDictionary(c => c.Name, _ => new List<Drain>());
            for (var round = 1; round <= rounds; round++)
            {
                // Alternate the order so that a slow stretch of the shared machine does not always hit the same case.
                foreach (var c in round % 2 == 1 ? cases : cases.Reverse())
                {
                    var drain = await DrainAsync(provider, sandbox, credentialId, c, $"r{round}");
                    results[c.Name].Add(drain);
                    Console.WriteLine($"round {round}, {c.Name}: load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {drain.Elapsed.TotalMilliseconds:N0} ms, {drain.Polls} poll(s), {drain.Requests.Total} requests ({drain.Requests.Faulted} throttled)");
                }
            }

            Print(cases, results);
            return 0;
        }
        finally
        {
            await provider.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Guid> SetUpAsync(ServiceProvider provider, SandboxServer sandbox, string scopes)
    {
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        var client = SandboxClient.Default();
        var credential = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Sandbox", ClientId = client.ClientId, ClientSecret = client.ClientSecret, TokenEndpoint = sandbox.TokenEndpoint.ToString(), Scopes = scopes, ResourceHosts = sandbox.BaseAddress.Host,
        }, "bench", CancellationToken.None);
        return credential.Value!.Id;
    }

    private static async Task<Drain> DrainAsync(ServiceProvider provider, SandboxServer sandbox, Guid credentialId, Case c, string tag)
    {
        var mailbox = sandbox.Mailboxes.Create($"drain-{tag}-{Guid.NewGuid():N}@sandbox.test");
        var inbox = mailbox.WellKnown("inbox").Id;
        for (var i = 0; i < Mails; i++)
        {
            mailbox.Deliver(sandbox.Mailboxes.Generate(mailbox.Address, attachmentBytes: AttachmentBytes), inbox);
        }

        mailbox.SetFaultRate(c.Rate);
        if (c.Shift > 0)
        {
            var ews = provider.GetRequiredService<IEwsClient>();
            var tokens = new CachedAccessTokenSource(provider.GetRequiredService<ITokenCache>(), "shift", 1, new ClientCredentials(
                sandbox.TokenEndpoint, SandboxClient.Default().ClientId, new Credo.OAuth.Secret(SandboxClient.Default().ClientSecret), ScopeSet.Parse(SandboxClient.ExchangeOnlineScope)));
            for (var i = 0; i < c.Shift; i++)
            {
                // May itself be throttled; only that it counts matters.
                await ews.GetFolderAsync(new EwsMailbox(sandbox.EwsEndpoint, mailbox.Address, tokens), EwsFolderId.Inbox, CancellationToken.None);
            }
        }

        // The rate's numbering goes on across a reset; only the counts start again.
        mailbox.ResetRequests();
        Guid listenerId;
        await using (var scope = provider.CreateAsyncScope())
        {
            // The defaults are what is measured: unread only, after-processing "mark read" (but for the reference case).
            var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(new ListenerInput
            {
                Name = "Drain " + mailbox.Address, Mailbox = mailbox.Address, CredentialId = credentialId, AfterProcessing = c.AfterProcessing,
                Protocol = c.Protocol, Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", sandbox.EwsEndpoint).Set(GraphProtocol.Id, "url", sandbox.GraphEndpoint),
            }, "bench", CancellationToken.None);
            listenerId = change.Value?.Id ?? throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
        }

        var elapsed = TimeSpan.Zero;
        for (var polls = 1; polls <= MaxPolls; polls++)
        {
            // Timed as the engine runs a poll: a scope, the lease, the poll. The checks below are not timed.
            var watch = Stopwatch.StartNew();
            await using (var scope = provider.CreateAsyncScope())
            {
                if (!await scope.ServiceProvider.GetRequiredService<ListenerLease>().TryAcquireAsync(listenerId, CancellationToken.None))
                {
                    throw new InvalidOperationException("The lease was not free.");
                }

                await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(listenerId, CancellationToken.None);
            }

            elapsed += watch.Elapsed;
            await using (var scope = provider.CreateAsyncScope())
            {
                var recorded = await scope.ServiceProvider.GetRequiredService<CredoDbContext>().ReceivedMessages.CountAsync(m => m.ListenerId == listenerId);
                var unread = mailbox.ItemsIn(inbox).Count(i => !i.IsRead);
                if (recorded == Mails && (unread == 0 || c.AfterProcessing == AfterProcessing.None))
                {
                    return new Drain(elapsed, polls, mailbox.Requests);
                }
            }
        }

        throw new InvalidOperationException($"Not drained after {MaxPolls} polls.");
    }

    private static void Print(Case[] cases, Dictionary<string, List<Drain>> results)
    {
        var operations = results.Values.SelectMany(r => r).SelectMany(d => d.Requests.ByOperation.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Console.WriteLine();
        Console.WriteLine($"| {Mails:N0} mails of about 20 KB, mark read | drain ms (median; each round) | polls | requests/mail | {string.Join(" | ", operations.Select(o => o + "/mail"))} | throttled answers |");
        Console.WriteLine($"| --- | ---: | ---: | ---: | {string.Join(" | ", operations.Select(_ => "---:"))} | ---: |");
        foreach (var c in cases)
        {
            var drains = results[c.Name];
            var median = Median(drains.Select(d => d.Elapsed.TotalMilliseconds));
            // Request counts are the same every round but for where the throttled answers fall; the median is shown.
            var perOperation = operations.Select(o => (Median(drains.Select(d => (double)d.Requests.ByOperation.GetValueOrDefault(o))) / Mails).ToString("0.000", CultureInfo.InvariantCulture));
            Console.WriteLine($"| {c.Name} | {median:N0} ({string.Join(", ", drains.Select(d => d.Elapsed.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)))}) | " +
                $"{string.Join("/", drains.Select(d => d.Polls).Distinct())} | {Median(drains.Select(d => (double)d.Requests.Total)) / Mails:0.000} | {string.Join(" | ", perOperation)} | " +
                $"{string.Join(", ", drains.Select(d => d.Requests.Faulted))} |");
        }

        var plain = results[cases[0].Name];
        Console.WriteLine();
        foreach (var c in cases.Skip(1).Where(c => c.Rate is not null))
        {
            var busy = results[c.Name];
            var ratio = Median(busy.Select(d => d.Elapsed.TotalMilliseconds)) / Median(plain.Select(d => d.Elapsed.TotalMilliseconds));
            var perRound = plain.Zip(busy, (p, b) => (b.Elapsed / p.Elapsed).ToString("0.00", CultureInfo.InvariantCulture));
            var extra = Median(busy.Select(d => d.Elapsed.TotalMilliseconds)) - Median(plain.Select(d => d.Elapsed.TotalMilliseconds));
            var wait = c.Rate!.RetryAfterSeconds is { } seconds && c.Protocol == GraphProtocol.Id ? seconds * 1000 : c.Rate.BackOffMilliseconds ?? 0;
            Console.WriteLine($"{c.Name} / unthrottled: {ratio:0.00} (medians; per round {string.Join(", ", perRound)}); " +
                $"{extra:N0} ms more, against {Median(busy.Select(d => (double)d.Requests.Faulted)) * wait:N0} ms of requested waits (throttled answers × {wait} ms, some of them overlapping).");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Case(string Name, SandboxFaultRate? Rate, int Shift, AfterProcessing AfterProcessing = AfterProcessing.MarkRead, string Protocol = EwsProtocol.Id);

    private sealed record Drain(TimeSpan Elapsed, int Polls, SandboxRequestCounts Requests);
}
