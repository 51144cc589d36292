using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Sandbox;

namespace Credo.Benchmarks;

/// <summary>
/// <c>listeners cluster</c>: several <c>credo serve</c> nodes (Release, a data folder each) on one fresh PostgreSQL
/// database (on the server <c>CREDO_TEST_POSTGRES</c> names), as the README's "Several nodes" describes them, with idle
/// EWS listeners at a 30 s interval against <c>credo sandbox</c> in a process of its own. Once every node is up, the
/// first polls are spread over one interval; after <c>settle</c> seconds one node is killed with SIGKILL, and the run
/// goes on for <c>after</c> seconds. It reports each node's share (listeners held and polls done within two intervals
/// of the start), the takeover (from the kill until every listener the dead node held has been polled by another), the
/// double polls the sandbox saw (most EWS requests in flight at once to one mailbox, and mailboxes polled twice within
/// 10 s), and poll lag before the kill and after the takeover, from the nodes' own <c>credo_listener_poll_lag_seconds</c>
/// histograms (scraped from each node's <c>/metrics</c> one interval after the start, at the kill, and every 5 s after it). Usage:
/// <c>dotnet run -c Release --project bench/Credo.Benchmarks -- listeners cluster [nodes=3] [listeners=1500] [settle=90] [after=90]</c>.
/// Each node's connection string caps its pool at <see cref="MaxPoolSize"/> connections.
/// </summary>
internal static class ClusterRun
{
    private const int IntervalSeconds = 30;
    private const string Killed = "node-2";
    private const int MaxPoolSize = 20;
    private const string LagMetric = "credo_listener_poll_lag_seconds";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(IntervalSeconds);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TooClose = TimeSpan.FromSeconds(10);
    private static readonly TimeProvider Clock = TimeProvider.System;

    // What credo serve prints at start whatever the log level.
    private static readonly string[] Banner = ["──", "Credo is running", "Console ", "User ", "Password ", "Credo data folder"];

    public static async Task<int> RunAsync(string[] args)
    {
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        var nodes = Arg(0, 3);
        var listeners = Arg(1, 1500);
        var settle = TimeSpan.FromSeconds(Arg(2, 90));
        var after = TimeSpan.FromSeconds(Arg(3, 90));
        if (ListenersRun.ServerDll() is not { } credo)
        {
            return 2;
        }

        var sandboxAddress = new Uri($"http://127.0.0.1:{LoadRun.FreePort()}");
        using var sandbox = LoadRun.StartCredo(credo, "sandbox", "--urls", sandboxAddress.ToString(), "--seed-messages", "0");
        var folders = new List<string>();
        var running = new Dictionary<string, Process>(StringComparer.Ordinal);
        // Three nodes with Npgsql's default pool of 100 each, up to 64 polls at once per node, ran the server out of
        // its 100 connections (53300 "too many clients already"): a bounded pool per node, as an operator would set.
        await using var database = await BenchDatabase.PostgreSqlAsync(MaxPoolSize);
        try
        {
            using var control = new HttpClient { BaseAddress = sandboxAddress };
            await LoadRun.WaitUntilAsync(async () =>
            {
                using var response = await control.GetAsync(new Uri("/sandbox/mailboxes", UriKind.Relative));
                return response.IsSuccessStatusCode;
            });
            await Parallel.ForEachAsync(Enumerable.Range(0, listeners), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                using var created = await control.PostAsJsonAsync(new Uri("/sandbox/mailboxes", UriKind.Relative), new { address = ListenersRun.Mailbox(i) }, ct);
                created.EnsureSuccessStatusCode();
            });

            // The sandbox makes its keys on its first token, which takes seconds: not while the nodes wait for it.
            await WarmTokenAsync(control);

            var seeding = Stopwatch.StartNew();
            var seedData = Folder(folders);
            await ListenersRun.SeedAsync(database, seedData, sandboxAddress, listeners);
            Console.WriteLine($"cluster: {nodes} nodes, {listeners:N0} idle EWS listeners at {IntervalSeconds} s, lease {LeaseDuration.TotalSeconds:N0} s; seeded in {seeding.Elapsed.TotalSeconds:N1} s; " +
                $"{Environment.ProcessorCount} processors, load average {LoadRun.LoadAverage()}");

            var logged = new ConcurrentQueue<string>();
            var ports = new List<int>();
            for (var i = 1; i <= nodes; i++)
            {
                var name = $"node-{i}";
                var port = LoadRun.FreePort();
                ports.Add(port);
                var node = LoadRun.StartCredo(credo, ["serve", "--data", Folder(folders), "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning",
                    "--Credo:Metrics:RequireApiKey=false", $"--Credo:Listeners:NodeName={name}", .. database.ServeArgs]);
                node.OutputDataReceived += (_, e) => ListenersRun.Keep(logged, e.Data is null ? null : $"{name}: {e.Data}");
                node.ErrorDataReceived += (_, e) => ListenersRun.Keep(logged, e.Data is null ? null : $"{name}: {e.Data}");
                running[name] = node;
            }

            foreach (var port in ports)
            {
                using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await LoadRun.WaitUntilAsync(async () =>
                {
                    using var ready = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                    return ready.IsSuccessStatusCode;
                });
            }

            await LoadRun.WaitUntilAsync(async () => await database.ScalarAsync("SELECT count(*) FROM listener_nodes") == nodes);
            var sampler = new PollSampler(database);
            await sampler.StartAsync();
            await ListenersRun.SpreadAsync(database, listeners);
            var start = Clock.GetUtcNow();
            using var stop = new CancellationTokenSource();
            var sampling = sampler.RunAsync(stop.Token);
            Console.WriteLine($"cluster: {nodes} nodes up (pids {string.Join(", ", running.Values.Select(p => p.Id))}); first polls spread over {IntervalSeconds} s from {start:HH:mm:ss}");

            var addresses = running.Keys.Zip(ports).ToDictionary(n => n.First, n => new Uri($"http://127.0.0.1:{n.Second}"), StringComparer.Ordinal);
            await DelayUntilAsync(start + Interval);
            var lagFirst = await MetricsHistogram.ScrapeAsync(LagMetric, [.. addresses.Values]);
            await DelayUntilAsync(start + (2 * Interval));
            var heldAtTwoIntervals = await HoldersAsync(database);
            var connections = await database.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()");
            var pollsInTwoIntervals = sampler.Polls.Where(p => p.Ended < start + (2 * Interval)).GroupBy(p => p.Node ?? "?").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            Console.WriteLine($"cluster: two intervals after the start, held {Describe(heldAtTwoIntervals)}; polls {Describe(pollsInTwoIntervals)}; " +
                $"{connections} connections to the database (Maximum Pool Size {MaxPoolSize} a node)");

            await DelayUntilAsync(start + settle);
            var lagBefore = (await MetricsHistogram.ScrapeAsync(LagMetric, [.. addresses.Values])).Minus(lagFirst);
            addresses.Remove(Killed);
            running[Killed].Kill();
            var killedAt = Clock.GetUtcNow();
            await running[Killed].WaitForExitAsync();
            running.Remove(Killed);
            var orphans = await OwnedByAsync(database, Killed);
            Console.WriteLine($"cluster: {Killed} killed (SIGKILL) at {killedAt:HH:mm:ss.fff}, holding {orphans.Count:N0} listeners; load average {LoadRun.LoadAverage()}");

            // The survivors' lag every 5 s, so that the time after the takeover (known only at the end) can be told apart.
            var lagAfterKill = new List<(DateTimeOffset At, MetricsHistogram Lag)>();
            while (Clock.GetUtcNow() < killedAt + after)
            {
                lagAfterKill.Add((Clock.GetUtcNow(), await MetricsHistogram.ScrapeAsync(LagMetric, [.. addresses.Values])));
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            lagAfterKill.Add((Clock.GetUtcNow(), await MetricsHistogram.ScrapeAsync(LagMetric, [.. addresses.Values])));
            var heldAtEnd = await HoldersAsync(database);
            var end = Clock.GetUtcNow();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stop.CancelAsync();
            await sampling;
            var counts = await RequestsAsync(control, listeners);
            Print(new Figures(nodes, listeners, settle, start, killedAt, end, heldAtTwoIntervals, pollsInTwoIntervals, heldAtEnd, orphans, sampler.Polls, counts, logged, lagBefore, lagAfterKill));
            return 0;
        }
        finally
        {
            foreach (var node in running.Values)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
                node.Dispose();
            }

            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync();
            foreach (var folder in folders)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string Folder(List<string> folders)
    {
        var folder = Directory.CreateTempSubdirectory("credo-cluster-").FullName;
        folders.Add(folder);
        return folder;
    }

    private static async Task WarmTokenAsync(HttpClient control)
    {
        var client = SandboxClient.Default();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = SandboxClient.ExchangeOnlineScope, ["client_id"] = client.ClientId, ["client_secret"] = client.ClientSecret!,
        });
        using var token = await control.PostAsync(new Uri(SandboxServer.TokenPath, UriKind.Relative), form);
        token.EnsureSuccessStatusCode();
    }

    private static async Task DelayUntilAsync(DateTimeOffset when)
    {
        var wait = when - Clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    // Enabled listeners held now (lease not expired), by node.
    private static async Task<Dictionary<string, int>> HoldersAsync(BenchDatabase database)
    {
        await using var connection = await database.OpenAsync(readOnly: true);
        await using var command = BenchDatabase.Command(connection,
            """SELECT "LeaseOwner", count(*) FROM email_listeners WHERE "Enabled" AND "LeaseOwner" IS NOT NULL AND "LeaseExpiresAt" >= @now GROUP BY "LeaseOwner" """,
            ("now", Clock.GetUtcNow().UtcTicks));
        await using var reader = await command.ExecuteReaderAsync();
        var holders = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            holders[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return holders;
    }

    private static async Task<HashSet<Guid>> OwnedByAsync(BenchDatabase database, string node)
    {
        await using var connection = await database.OpenAsync(readOnly: true);
        await using var command = BenchDatabase.Command(connection, """SELECT "Id" FROM email_listeners WHERE "LeaseOwner" = @node""", ("node", node));
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    // Every mailbox's request counts at the sandbox: SyncFolderItems, most in flight at once, shortest time between two.
    private static async Task<List<(int SyncFolderItems, int MaxInFlight, double? ShortestGapMs)>> RequestsAsync(HttpClient control, int mailboxes)
    {
        var counts = new ConcurrentBag<(int, int, double?)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, mailboxes), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var answer = await control.GetFromJsonAsync<JsonElement>(new Uri($"/sandbox/mailboxes/{ListenersRun.Mailbox(i)}/requests", UriKind.Relative), ct);
            counts.Add((
                answer.GetProperty("byOperation").TryGetProperty("SyncFolderItems", out var sync) ? sync.GetInt32() : 0,
                answer.GetProperty("maxInFlight").GetInt32(),
                answer.GetProperty("shortestSyncGapMilliseconds") is { ValueKind: JsonValueKind.Number } gap ? gap.GetDouble() : null));
        });
        return [.. counts];
    }

    private static void Print(Figures f)
    {
        var share = 100.0 / f.Nodes;
        var names = Enumerable.Range(1, f.Nodes).Select(i => $"node-{i}").ToList();
        var polls = f.Polls;

        // Takeover: each listener the dead node held, polled by another node after the kill.
        var takenOver = f.Orphans.Select(id => polls.Where(p => p.ListenerId == id && p.Ended > f.KilledAt && p.Node != Killed).Select(p => (DateTimeOffset?)p.Ended).Min()).ToList();
        var done = takenOver.All(t => t is not null) && takenOver.Count > 0 ? takenOver.Max() : null;
        var lagAfterKill = f.LagAfterKill[^1].Lag.Minus(f.LagAfterKill[0].Lag);
        var lagAfter = done is { } d && f.LagAfterKill.FirstOrDefault(l => l.At >= d) is { Lag: not null } from ? f.LagAfterKill[^1].Lag.Minus(from.Lag) : null;
        var pollsTwice = f.Requests.Count(r => r.ShortestGapMs < TooClose.TotalMilliseconds);
        var totalTwo = f.PollsInTwoIntervals.Values.Sum();
        var totalHeld = f.HeldAtTwoIntervals.Values.Sum();

        Console.WriteLine();
        Console.WriteLine($"| node | listeners held two intervals after the start (% of {totalHeld:N0}) | polls in the first two intervals (% of {totalTwo:N0}) | listeners held at the end |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var name in names)
        {
            var held = f.HeldAtTwoIntervals.GetValueOrDefault(name);
            var done2 = f.PollsInTwoIntervals.GetValueOrDefault(name);
            Console.WriteLine($"| {name}{(name == Killed ? " (killed)" : "")} | {held:N0} ({Percent(held, totalHeld)}) | {done2:N0} ({Percent(done2, totalTwo)}) | {f.HeldAtEnd.GetValueOrDefault(name):N0} |");
        }

        Console.WriteLine();
        Console.WriteLine($"| {f.Nodes} nodes × {f.Listeners:N0} listeners ({IntervalSeconds} s, lease {LeaseDuration.TotalSeconds:N0} s) | figure | target |");
        Console.WriteLine("| --- | ---: | --- |");
        var shares = names.Select(n => 100.0 * f.HeldAtTwoIntervals.GetValueOrDefault(n) / Math.Max(1, f.Listeners)).ToList();
        Console.WriteLine($"| share held per node, two intervals after the start | {F(shares.Min())}% – {F(shares.Max())}% | {F(share)}% ± 5% |");
        Console.WriteLine($"| takeover: kill → every listener of {Killed} ({f.Orphans.Count:N0}) polled by another node | " +
            $"{(done is { } t ? $"{(t - f.KilledAt).TotalSeconds:N1} s" : $"not done: {takenOver.Count(x => x is null):N0} never polled in {(f.End - f.KilledAt).TotalSeconds:N0} s")} | ≤ {(LeaseDuration + Interval).TotalSeconds:N0} s (lease + interval) |");
        Console.WriteLine($"| most EWS requests in flight at once to one mailbox (sandbox) | {f.Requests.Max(r => r.MaxInFlight)} | 1 |");
        Console.WriteLine($"| mailboxes polled twice within {TooClose.TotalSeconds:N0} s (sandbox) | {pollsTwice:N0} | 0 |");
        Console.WriteLine($"| poll lag p50 / p99 before the kill ({f.LagBefore.Count:N0} polls from the second interval on) | {f.LagBefore.Text(0.5)} / {f.LagBefore.Text(0.99)} | p99 < 1 s |");
        Console.WriteLine($"| poll lag p50 / p99 after the kill, takeover included ({lagAfterKill.Count:N0} polls) | {lagAfterKill.Text(0.5)} / {lagAfterKill.Text(0.99)} | |");
        Console.WriteLine($"| poll lag p50 / p99 after the takeover ({lagAfter?.Count ?? 0:N0} polls) | {lagAfter?.Text(0.5) ?? "–"} / {lagAfter?.Text(0.99) ?? "–"} | p99 < 1 s |");
        Console.WriteLine();
        Console.WriteLine($"cluster: {polls.Count:N0} polls seen in {(f.End - f.Start).TotalSeconds:N0} s, {polls.Count(p => p.Failures > 0)} failed; " +
            $"SyncFolderItems at the sandbox {f.Requests.Sum(r => r.SyncFolderItems):N0}; mailboxes never polled {f.Requests.Count(r => r.SyncFolderItems == 0)}; " +
            $"shortest time between two polls of one mailbox {f.Requests.Where(r => r.ShortestGapMs is not null).Select(r => r.ShortestGapMs!.Value).DefaultIfEmpty().Min() / 1000:N1} s; " +
            $"{f.Logged.Count(l => l.Contains("warn:", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal))} log entries at Warning or above; load average {LoadRun.LoadAverage()} at the end (2 cores shared with others' builds and tests)");
        foreach (var line in f.Logged.Where(l => !Banner.Any(b => l.Contains(b, StringComparison.Ordinal))).Take(8))
        {
            Console.WriteLine("  log: " + line);
        }
    }

    private static string Percent(int part, int whole) => whole == 0 ? "–" : $"{F(100.0 * part / whole)}%";

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Describe(Dictionary<string, int> byNode) => string.Join(", ", byNode.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key} {n.Value:N0}"));

    private sealed record Figures(
        int Nodes, int Listeners, TimeSpan Settle, DateTimeOffset Start, DateTimeOffset KilledAt, DateTimeOffset End,
        Dictionary<string, int> HeldAtTwoIntervals, Dictionary<string, int> PollsInTwoIntervals, Dictionary<string, int> HeldAtEnd,
        HashSet<Guid> Orphans, List<PollSampler.Poll> Polls, List<(int SyncFolderItems, int MaxInFlight, double? ShortestGapMs)> Requests,
        ConcurrentQueue<string> Logged, MetricsHistogram LagBefore, List<(DateTimeOffset At, MetricsHistogram Lag)> LagAfterKill);
}
