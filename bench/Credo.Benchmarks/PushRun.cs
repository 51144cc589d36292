using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Persistence;
using Credo.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>push</c>: two Graph listeners side by side in one <c>credo serve</c> (Release) against <c>credo sandbox</c>, each in
/// its own process: one with push (Credo:PublicUrl is the server's own loopback address; poll interval 15 minutes, the
/// safety net) and one polling every 30 s without push. The same mails are delivered to both mailboxes at the same
/// moments (a mail every 7 s, so that arrivals fall at every point of the 30 s interval), and each mail's time from
/// delivery to recorded is read from the database. Then both stay idle for a window, and the sandbox's request counts of
/// each mailbox over it give the requests an idle listener sends in an hour.
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- push [mails=20] [idle seconds=120]</c>.
/// </summary>
/// <remarks>
/// A run mode, as <c>listeners</c>: the figures are wall-clock latencies of a whole server and request counts, not a
/// CPU-bound mean. The server's tick is its default (1 s), so a woken listener is polled within a second.
/// </remarks>
internal static class PushRun
{
    private const int PolledInterval = 30;
    private const int PushedInterval = 900;
    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(7);

    public static async Task<int> RunAsync(string[] args)
    {
        var mails = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var idle = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 120);
        var credo = Path.Combine(LoadRun.RepositoryRoot(), "src", "Credo.Server", "bin", "Release", "net10.0", "credo.dll");
        if (!File.Exists(credo))
        {
            await Console.Error.WriteLineAsync($"Build the server first: dotnet build -c Release src/Credo.Server (no {credo}).");
            return 2;
        }

        var sandboxAddress = new Uri($"http://127.0.0.1:{LoadRun.FreePort()}");
        var credoAddress = new Uri($"http://127.0.0.1:{LoadRun.FreePort()}");
        var data = Directory.CreateTempSubdirectory("credo-push-").FullName;
        using var sandbox = LoadRun.StartCredo(credo, "sandbox", "--urls", sandboxAddress.ToString(), "--seed-messages", "0");
        Process? server = null;
        try
        {
            using var control = new HttpClient { BaseAddress = sandboxAddress };
            await LoadRun.WaitUntilAsync(async () => (await control.GetAsync(new Uri("/sandbox/mailboxes", UriKind.Relative))).IsSuccessStatusCode);
            string[] boxes = ["pushed@sandbox.test", "polled@sandbox.test"];
            foreach (var box in boxes)
            {
                (await control.PostAsJsonAsync(new Uri("/sandbox/mailboxes", UriKind.Relative), new { address = box })).EnsureSuccessStatusCode();
            }

            var (pushed, polled) = await SeedAsync(data, sandboxAddress, boxes[0], boxes[1]);
            server = LoadRun.StartCredo(credo, "serve", "--urls", credoAddress.ToString(), "--data", data, $"--Credo:PublicUrl={credoAddress}");
            await using var provider = LoadRun.DataFolderServices(data);
            await LoadRun.WaitUntilAsync(async () => await QueryAsync(provider, db => db.EmailListeners.AnyAsync(l => l.Id == pushed && l.PushSubscriptionId != null)));
            Console.WriteLine($"push: credo serve (pid {server.Id}) at {credoAddress}, sandbox (pid {sandbox.Id}); {Environment.ProcessorCount} processors, load average {LoadRun.LoadAverage()}");
            Console.WriteLine($"pushed listener subscribed; delivering {mails} mails, one every {Spacing.TotalSeconds:N0} s, to both mailboxes at once");

            var latencies = new Dictionary<Guid, List<double>> { [pushed] = [], [polled] = [] };
            var pending = new List<(Guid Listener, int Expected, long DeliveredAt)>();
            for (var i = 0; i < mails; i++)
            {
                var at = Stopwatch.GetTimestamp();
                foreach (var box in boxes)
                {
                    (await control.PostAsJsonAsync(new Uri($"/sandbox/mailboxes/{box}/messages", UriKind.Relative), new { count = 1 })).EnsureSuccessStatusCode();
                }

                pending.Add((pushed, i + 1, at));
                pending.Add((polled, i + 1, at));
                var next = at + (long)(Spacing.TotalSeconds * Stopwatch.Frequency);
                while (Stopwatch.GetTimestamp() < next || (i == mails - 1 && pending.Count > 0))
                {
                    foreach (var listener in latencies.Keys)
                    {
                        var recorded = await QueryAsync(provider, db => db.ReceivedMessages.CountAsync(m => m.ListenerId == listener));
                        foreach (var done in pending.Where(p => p.Listener == listener && p.Expected <= recorded).ToList())
                        {
                            latencies[listener].Add(Stopwatch.GetElapsedTime(done.DeliveredAt).TotalMilliseconds);
                            pending.Remove(done);
                        }
                    }

                    await Task.Delay(50);
                }
            }

            // Idle: no mail; count what each mailbox is asked for.
            foreach (var box in boxes)
            {
                await control.DeleteAsync(new Uri($"/sandbox/mailboxes/{box}/requests", UriKind.Relative));
            }

            Console.WriteLine($"idle for {idle.TotalSeconds:N0} s");
            await Task.Delay(idle);
            var requests = new Dictionary<string, JsonElement>();
            foreach (var box in boxes)
            {
                requests[box] = await control.GetFromJsonAsync<JsonElement>(new Uri($"/sandbox/mailboxes/{box}/requests", UriKind.Relative));
            }

            Console.WriteLine();
            Console.WriteLine($"| Graph listener | mail → recorded p50 | p90 | max | idle requests in {idle.TotalSeconds:N0} s | idle requests an hour |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var (name, listener, box) in new[] { ($"push, interval {PushedInterval} s", pushed, boxes[0]), ($"polling, interval {PolledInterval} s", polled, boxes[1]) })
            {
                var sorted = latencies[listener].Order().ToArray();
                var total = requests[box].GetProperty("total").GetInt32();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {name} ({sorted.Length} mails) | {Percentile(sorted, 0.5):N0} ms | {Percentile(sorted, 0.9):N0} ms | {sorted[^1]:N0} ms | {total} | {total * 3600 / idle.TotalSeconds:N0} |"));
            }

            return 0;
        }
        finally
        {
            if (server is not null)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
                server.Dispose();
            }

            sandbox.Kill(entireProcessTree: true);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(Guid Pushed, Guid Polled)> SeedAsync(string data, Uri sandbox, string pushedBox, string polledBox)
    {
        await using var provider = LoadRun.DataFolderServices(data);
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        var client = SandboxClient.Default();
        var credential = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Sandbox Graph", ClientId = client.ClientId, ClientSecret = client.ClientSecret,
            TokenEndpoint = new Uri(sandbox, SandboxServer.TokenPath).ToString(), Scopes = SandboxClient.GraphScope, ResourceHosts = sandbox.Host,
        }, "bench", CancellationToken.None);
        var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
        async Task<Guid> AddAsync(string name, string mailbox, int interval, bool push)
        {
            var change = await listeners.CreateAsync(new ListenerInput
            {
                Name = name, Protocol = GraphProtocol.Id, Mailbox = mailbox, CredentialId = credential.Value!.Id, PollIntervalSeconds = interval,
                Settings = new ListenerSettings().Set(GraphProtocol.Id, "url", new Uri(sandbox, "/v1.0")).Set(GraphProtocol.Id, GraphProtocol.PushKey, push ? "true" : "false"),
            }, "bench", CancellationToken.None);
            return change.Value?.Id ?? throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
        }

        return (await AddAsync("Pushed", pushedBox, PushedInterval, push: true), await AddAsync("Polled", polledBox, PolledInterval, push: false));
    }

    private static async Task<T> QueryAsync<T>(ServiceProvider provider, Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = provider.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CredoDbContext>());
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
