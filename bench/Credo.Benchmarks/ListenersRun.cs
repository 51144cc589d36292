using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Persistence;
using Credo.Core.Users;
using Credo.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>listeners</c>: many idle EWS listeners on one node. <c>credo sandbox</c> runs in a process of its own with one empty
/// mailbox per listener (created through its control API); for each listener count in turn, a fresh SQLite data folder
/// is seeded with that many listeners (30 s interval) and <c>credo serve</c> (Release) is started on it; once it is
/// ready, the listeners' first polls are spread evenly over one interval. After a warm-up of at least two intervals
/// (and until tiered compilation has settled), the run measures over a window: the CPU of <c>credo serve</c> (utime +
/// stime from <c>/proc/PID/stat</c>, and by thread), its resident memory (VmRSS at the end, VmHWM), the polls done
/// (from the database), CPU per poll, and poll lag.
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- listeners [counts] [seconds] [sqlite|postgres]</c>, counts
/// comma-separated (default <c>0,200,1000,5000</c>; a count ending in <c>n</c>, such as <c>5000n</c>, seeds listeners
/// that are never due during the run, which isolates the engine's tick query from the polls); <c>postgres</c> runs
/// each count on a fresh database of the server <c>CREDO_TEST_POSTGRES</c> names instead of SQLite. <c>listeners
/// cluster …</c> runs several nodes on one PostgreSQL database (<see cref="ClusterRun"/>).
/// </summary>
/// <remarks>
/// Polls are counted from the database (read every 200 ms: a poll shows as a new <c>LastPollAt</c>). Lag and a poll's own
/// time come from the node's own histograms on <c>/metrics</c> (<c>credo_listener_poll_lag_seconds</c>: started − due;
/// <c>credo_listener_poll_duration_seconds</c>), scraped at the window's start and end; a quantile is given as the
/// bound of the bucket that holds it. (The engine claims listeners ahead of their due time, so the lease no longer
/// tells when a poll started.)
/// </remarks>
/// </remarks>
internal static class ListenersRun
{
    private const int IntervalSeconds = 30;
    private const string LagMetric = "credo_listener_poll_lag_seconds";
    private const string DurationMetric = "credo_listener_poll_duration_seconds";
    // At least two intervals, then until tiered compilation has settled: with 5,000 listeners its thread was still half
    // of the process's CPU 50 to 80 s after start (perf), which would be counted as the polls' otherwise.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeProvider Clock = TimeProvider.System;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["cluster", .. var clusterArgs])
        {
            return await ClusterRun.RunAsync(clusterArgs);
        }

        var postgres = args.Length > 2 && args[2] == "postgres";
        var counts = (args.Length > 0 ? args[0] : "0,200,1000,5000").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => new Count(int.Parse(c.TrimEnd('n'), CultureInfo.InvariantCulture), c.EndsWith('n'))).ToArray();
        var window = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60);
        if (ServerDll() is not { } credo)
        {
            return 2;
        }

        var ticksPerSecond = await ClockTicksPerSecondAsync();
        var sandboxAddress = new Uri($"http://127.0.0.1:{LoadRun.FreePort()}");
        using var sandbox = LoadRun.StartCredo(credo, "sandbox", "--urls", sandboxAddress.ToString(), "--seed-messages", "0");
        var results = new List<Result>();
        try
        {
            using var control = new HttpClient { BaseAddress = sandboxAddress };
            await LoadRun.WaitUntilAsync(async () =>
            {
                using var response = await control.GetAsync(new Uri("/sandbox/mailboxes", UriKind.Relative));
                return response.IsSuccessStatusCode;
            });
            var mailboxes = counts.Max(c => c.Listeners);
            await Parallel.ForEachAsync(Enumerable.Range(0, mailboxes), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                using var created = await control.PostAsJsonAsync(new Uri("/sandbox/mailboxes", UriKind.Relative), new { address = Mailbox(i) }, ct);
                created.EnsureSuccessStatusCode();
            });
            Console.WriteLine($"credo sandbox (pid {sandbox.Id}): {mailboxes:N0} empty mailboxes created. Database {(postgres ? "PostgreSQL" : "SQLite")}. Interval {IntervalSeconds} s, warm-up at least {WarmUp.TotalSeconds:N0} s and until tiered compilation has settled, window {window.TotalSeconds:N0} s.");

            foreach (var count in counts)
            {
                results.Add(await MeasureAsync(credo, count, postgres, sandboxAddress, sandbox, control, window, ticksPerSecond));
            }
        }
        finally
        {
            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync();
        }

        Print(results, window);
        return 0;
    }

    private static async Task<Result> MeasureAsync(string credo, Count count, bool postgres, Uri sandboxAddress, Process sandbox, HttpClient control, TimeSpan window, double ticksPerSecond)
    {
        var data = Directory.CreateTempSubdirectory("credo-listeners-").FullName;
        var database = postgres ? await BenchDatabase.PostgreSqlAsync() : BenchDatabase.Sqlite(data);
        try
        {
            var seeding = Stopwatch.StartNew();
            await SeedAsync(database, data, sandboxAddress, count.Listeners);
            Console.WriteLine($"{count}: seeded in {seeding.Elapsed.TotalSeconds:N1} s");

            var port = LoadRun.FreePort();
            using var server = LoadRun.StartCredo(credo, ["serve", "--data", data, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning", "--Credo:Metrics:RequireApiKey=false", .. database.ServeArgs]);
            var logged = new ConcurrentQueue<string>();
            server.OutputDataReceived += (_, e) => Keep(logged, e.Data);
            server.ErrorDataReceived += (_, e) => Keep(logged, e.Data);
            try
            {
                using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await LoadRun.WaitUntilAsync(async () =>
                {
                    using var ready = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                    return ready.IsSuccessStatusCode;
                });

                if (count.Listeners > 0 && !count.NeverDue)
                {
                    await SpreadAsync(database, count.Listeners);
                }

                using var stop = new CancellationTokenSource();
                var sampler = new PollSampler(database);
                var sampling = sampler.RunAsync(stop.Token);
                var warmUp = await WarmUpAsync(server.Id, ticksPerSecond);

                // A few mailboxes' request counters, as a check of the polls counted from the database.
                var checkedMailboxes = Enumerable.Range(0, Math.Min(20, count.Listeners)).ToArray();
                var syncBefore = await SyncRequestsAsync(control, checkedMailboxes);
                var node = new Uri($"http://127.0.0.1:{port}");
                var lagBefore = await MetricsHistogram.ScrapeAsync(LagMetric, node);
                var durationBefore = await MetricsHistogram.ScrapeAsync(DurationMetric, node);
                var start = Clock.GetUtcNow();
                var credoBefore = CpuTicks(server.Id);
                var threadsBefore = ThreadTicks(server.Id);
                var sandboxBefore = CpuTicks(sandbox.Id);
                var watch = Stopwatch.StartNew();
                await Task.Delay(window);
                var credoAfter = CpuTicks(server.Id);
                var threadsAfter = ThreadTicks(server.Id);
                var sandboxAfter = CpuTicks(sandbox.Id);
                var elapsed = watch.Elapsed;
                var end = Clock.GetUtcNow();
                var rssMb = LoadRun.ReadStatusKilobytes(server.Id, "VmRSS:") / 1024.0;
                var hwmMb = LoadRun.ReadStatusKilobytes(server.Id, "VmHWM:") / 1024.0;
                var threads = Directory.GetDirectories($"/proc/{server.Id}/task").Length;
                var sockets = Sockets(server.Id);
                var overdue = await OverdueAsync(database, end);
                var syncAfter = await SyncRequestsAsync(control, checkedMailboxes);
                var lag = (await MetricsHistogram.ScrapeAsync(LagMetric, node)).Minus(lagBefore);
                var duration = (await MetricsHistogram.ScrapeAsync(DurationMetric, node)).Minus(durationBefore);

                // Let the sampler see the polls that ended just before the window closed.
                await Task.Delay(SampleEvery * 3);
                await stop.CancelAsync();
                await sampling;
                var polls = sampler.Polls.Where(p => p.Ended >= start && p.Ended < end).ToList();
                var checkedIds = sampler.IdsOfMailboxes(checkedMailboxes.Select(Mailbox));
                var result = new Result(
                    count,
                    (credoAfter - credoBefore) / ticksPerSecond,
                    (sandboxAfter - sandboxBefore) / ticksPerSecond,
                    elapsed,
                    rssMb,
                    hwmMb,
                    polls,
                    polls.Count(p => checkedIds.Contains(p.ListenerId)),
                    syncAfter - syncBefore,
                    logged.Count,
                    threads,
                    sockets,
                    overdue,
                    warmUp,
                    ByGroup(threadsBefore, threadsAfter, credoAfter - credoBefore, ticksPerSecond),
                    lag,
                    duration);
                Console.WriteLine($"{count}: machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the window's end (2 cores; others' builds and tests count)");
                Console.WriteLine($"{count}: {result.Polls.Count:N0} polls in {elapsed.TotalSeconds:N1} s, credo CPU {result.CredoCpuSeconds:N2} s, RSS {rssMb:N0} MB (peak {hwmMb:N0}); " +
                    $"{checkedMailboxes.Length} checked mailboxes: {result.CheckedPolls} polls in the database, {result.CheckedSyncRequests} SyncFolderItems at the sandbox; {logged.Count} log line(s)");
                foreach (var line in logged.Take(5))
                {
                    Console.WriteLine("  log: " + line);
                }

                return result;
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            await database.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The Release build of <c>credo</c>, or null (said why) when it is missing.</summary>
    internal static string? ServerDll()
    {
        var credo = Path.Combine(LoadRun.RepositoryRoot(), "src", "Credo.Server", "bin", "Release", "net10.0", "credo.dll");
        if (File.Exists(credo))
        {
            return credo;
        }

        Console.Error.WriteLine($"Build the server first: dotnet build -c Release src/Credo.Server (no {credo}).");
        return null;
    }

    internal static void Keep(ConcurrentQueue<string> logged, string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            logged.Enqueue(line);
        }
    }

    internal static string Mailbox(int i) => $"idle-{i:D5}@sandbox.test";

    // LISTENERS idle EWS listeners at a 30 s interval, none due until SpreadAsync.
    internal static async Task SeedAsync(BenchDatabase database, string data, Uri sandbox, int count)
    {
        Guid credentialId;
        await using var provider = database.Services(data);
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync(LoadRun.Password, Path.Combine(data, "initial-admin-password"), CancellationToken.None);
            var client = SandboxClient.Default();
            var created = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
            {
                Name = "Sandbox", ClientId = client.ClientId, ClientSecret = client.ClientSecret,
                TokenEndpoint = new Uri(sandbox, SandboxServer.TokenPath).ToString(), Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = sandbox.Host,
            }, "bench", CancellationToken.None);
            credentialId = created.Value!.Id;
        }

        var ews = new Uri(sandbox, "/EWS/Exchange.asmx").ToString();
        for (var first = 0; first < count; first += 250)
        {
            // A scope per 250: one change tracker holding thousands of listeners would make each save slower.
            await using var scope = provider.CreateAsyncScope();
            var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
            for (var i = first; i < Math.Min(first + 250, count); i++)
            {
                var change = await listeners.CreateAsync(new ListenerInput
                {
                    Name = $"Idle {i:D5}", Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", ews), Mailbox = Mailbox(i), CredentialId = credentialId, PollIntervalSeconds = IntervalSeconds,
                }, "bench", CancellationToken.None);
                if (change.Value is null)
                {
                    throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
                }
            }
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            // Nothing is due while credo serve starts; SpreadAsync sets the first polls once it is ready.
            await scope.ServiceProvider.GetRequiredService<CredoDbContext>().Database.ExecuteSqlAsync(
                $"""UPDATE email_listeners SET "NextPollAt" = {(Clock.GetUtcNow() + TimeSpan.FromDays(1)).UtcTicks}""");
        }
    }

    // First polls spread evenly over one interval from now, so that they do not fire at once; each next poll is then
    // due an interval after its predecessor ended. Done once credo serve is ready rather than at seeding: a start-up
    // slower than expected would otherwise find the first seconds' worth due together, and they would stay bunched.
    internal static Task SpreadAsync(BenchDatabase database, int listeners) => database.ExecuteAsync(
        """
        UPDATE email_listeners SET "NextPollAt" = @first + (ranked.n - 1) * @step
        FROM (SELECT "Id", row_number() OVER (ORDER BY "Name") AS n FROM email_listeners) AS ranked
        WHERE email_listeners."Id" = ranked."Id"
        """,
        ("first", (Clock.GetUtcNow() + TimeSpan.FromSeconds(1)).UtcTicks),
        ("step", TimeSpan.FromSeconds(IntervalSeconds).Ticks / listeners));

    // SyncFolderItems requests the sandbox counted for these mailboxes, summed.
    private static async Task<int> SyncRequestsAsync(HttpClient control, int[] mailboxes)
    {
        var sum = 0;
        foreach (var i in mailboxes)
        {
            var counts = await control.GetFromJsonAsync<JsonElement>(new Uri($"/sandbox/mailboxes/{Mailbox(i)}/requests", UriKind.Relative));
            sum += counts.GetProperty("byOperation").TryGetProperty("SyncFolderItems", out var sync) ? sync.GetInt32() : 0;
        }

        return sum;
    }

    // Listeners whose poll was due more than a second before the end of the window and had not ended by then: the backlog.
    private static async Task<int> OverdueAsync(BenchDatabase database, DateTimeOffset end) => (int)await database.ScalarAsync(
        """SELECT COUNT(*) FROM email_listeners WHERE "Enabled" AND "NextPollAt" < @due""", ("due", (end - TimeSpan.FromSeconds(1)).UtcTicks));

    private static int Sockets(int pid) =>
        new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos().Count(f => f.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    // Warm-up: at least WarmUp, then until the tiered-compilation thread used under 1% of a core over 5 s.
    private static async Task<TimeSpan> WarmUpAsync(int pid, double ticksPerSecond)
    {
        var watch = Stopwatch.StartNew();
        await Task.Delay(WarmUp - TimeSpan.FromSeconds(5));
        while (true)
        {
            var before = Jit(ThreadTicks(pid));
            await Task.Delay(TimeSpan.FromSeconds(5));
            if ((Jit(ThreadTicks(pid)) - before) / ticksPerSecond < 0.05 || watch.Elapsed > MaxWarmUp)
            {
                return watch.Elapsed;
            }
        }

        static long Jit(Dictionary<int, (string Group, long Ticks)> threads) => threads.Values.Where(t => t.Group == "JIT").Sum(t => t.Ticks);
    }

    // CPU ticks of each thread, with the group its name puts it in.
    private static Dictionary<int, (string Group, long Ticks)> ThreadTicks(int pid)
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var group = name.StartsWith(".NET Tiered Com", StringComparison.Ordinal) ? "JIT"
                    : name.Contains("GC", StringComparison.Ordinal) ? "GC"
                    : name.StartsWith(".NET TP Worker", StringComparison.Ordinal) ? "thread pool"
                    : "other";
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (group, CpuTicks(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return threads;
    }

    // Seconds of CPU per thread group over the window; what threads that ended meanwhile used shows as "ended".
    private static Dictionary<string, double> ByGroup(Dictionary<int, (string Group, long Ticks)> before, Dictionary<int, (string Group, long Ticks)> after, long total, double ticksPerSecond)
    {
        var groups = after.GroupBy(t => t.Value.Group).ToDictionary(
            g => g.Key,
            g => g.Sum(t => t.Value.Ticks - (before.TryGetValue(t.Key, out var b) ? b.Ticks : 0)) / ticksPerSecond);
        groups["ended"] = (total / ticksPerSecond) - groups.Values.Sum();
        return groups;
    }

    private static long CpuTicks(int pid) => CpuTicks($"/proc/{pid}/stat");

    private static long CpuTicks(string statPath)
    {
        // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are the 14th
        // and 15th fields of the line, the 12th and 13th after the ')'.
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static async Task<double> ClockTicksPerSecondAsync()
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
        var text = await getconf.StandardOutput.ReadToEndAsync();
        await getconf.WaitForExitAsync();
        return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    private static void Print(List<Result> results, TimeSpan window)
    {
        var none = results.FirstOrDefault(r => r.Count.Listeners == 0);
        Console.WriteLine();
        Console.WriteLine($"| listeners ({IntervalSeconds} s interval, all idle) | polls in {window.TotalSeconds:N0} s | polls/s | credo CPU, % of one core | CPU ms per poll | over 0 listeners: CPU ms per poll | VmRSS MB | VmHWM MB | KB per listener over the row above | lag p50 / p99 | poll's own time p50 / p99 | sandbox CPU % |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            var seconds = r.Elapsed.TotalSeconds;
            var perPoll = r.Polls.Count == 0 ? "–" : F(r.CredoCpuSeconds * 1000 / r.Polls.Count, "0.00");
            var marginal = none is null || r.Polls.Count == 0 ? "–" : F((r.CredoCpuSeconds - none.CredoCpuSeconds * seconds / none.Elapsed.TotalSeconds) * 1000 / r.Polls.Count, "0.00");
            // The slope between rows: the first listener brings in code and buffers that the next thousands do not.
            var above = results.IndexOf(r) is > 0 and var i ? results[i - 1] : null;
            var perListener = above is null || r.Count.Listeners == above.Count.Listeners ? "–" : F((r.RssMb - above.RssMb) * 1024 / (r.Count.Listeners - above.Count.Listeners), "N1");
            Console.WriteLine($"| {r.Count} | {r.Polls.Count:N0} | {r.Polls.Count / seconds:N1} | {F(100 * r.CredoCpuSeconds / seconds, "0.0")} | {perPoll} | {marginal} | {r.RssMb:N0} | {r.HwmMb:N0} | {perListener} | " +
                $"{r.Lag.Text(0.5)} / {r.Lag.Text(0.99)} | {r.Duration.Text(0.5)} / {r.Duration.Text(0.99)} | {F(100 * r.SandboxCpuSeconds / seconds, "0.0")} |");
        }

        Console.WriteLine();
        foreach (var r in results.Where(r => r.Polls.Count > 0))
        {
            var failed = r.Polls.Count(p => p.Failures > 0);
            var lagged = r.Lag.Above(1);
            var seconds = r.Elapsed.TotalSeconds;
            Console.WriteLine($"{r.Count}: warm-up {r.WarmUp.TotalSeconds:N0} s; CPU by threads, % of one core: {string.Join(", ", r.CpuByThreads.OrderByDescending(g => g.Value).Select(g => $"{g.Key} {F(100 * g.Value / seconds, "0.0")}"))}; " +
                $"CPU ms per poll without the JIT thread {F((r.CredoCpuSeconds - r.CpuByThreads.GetValueOrDefault("JIT")) * 1000 / r.Polls.Count, "0.00")}");
            Console.WriteLine($"{r.Count}: at the window's end {r.Overdue:N0} listener(s) more than 1 s overdue, {r.Threads} threads, {r.Sockets:N0} open sockets; {failed} failed poll(s); {lagged} of {r.Lag.Count:N0} poll(s) started more than 1 s late; " +
                $"check: {r.CheckedPolls} polls of the first mailboxes in the database against {r.CheckedSyncRequests} SyncFolderItems at the sandbox; {r.LogLines} log line(s) at Warning or above.");
        }
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private sealed record Count(int Listeners, bool NeverDue)
    {
        public override string ToString() => NeverDue ? $"{Listeners:N0}, never due" : Listeners.ToString("N0", CultureInfo.InvariantCulture);
    }

    private sealed record Result(
        Count Count, double CredoCpuSeconds, double SandboxCpuSeconds, TimeSpan Elapsed, double RssMb, double HwmMb,
        List<PollSampler.Poll> Polls, int CheckedPolls, int CheckedSyncRequests, int LogLines, long Threads, int Sockets, int Overdue,
        TimeSpan WarmUp, Dictionary<string, double> CpuByThreads, MetricsHistogram Lag, MetricsHistogram Duration);
}
