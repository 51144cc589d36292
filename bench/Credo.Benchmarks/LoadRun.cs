using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Credo.Core.ApiKeys;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Persistence;
using Credo.Core.Users;
using Credo.Sandbox;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>load</c>: starts <c>credo serve</c> (the Release build) on a data folder seeded with 1,000 credentials and measures
/// the time to the first successful <c>/readyz</c>, the idle memory, and requests per second with latency
/// percentiles for the credentials page and <c>GET /api/v1/credentials</c> under 50 concurrent clients, each after a
/// 10 s warm-up under the same load; then the peak memory of <c>credo serve</c> while a listener records 5,000 mails
/// from <c>credo sandbox</c> in another process.
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- load [seconds]</c>.
/// </summary>
internal static partial class LoadRun
{
    private const int Credentials = 1000;
    private const int Clients = 50;
    internal const string Password = "load-run-password";
    private const int IngestMails = 5000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var root = RepositoryRoot();
        var credo = Path.Combine(root, "src", "Credo.Server", "bin", "Release", "net10.0", "credo.dll");
        if (!File.Exists(credo))
        {
            await Console.Error.WriteLineAsync($"Build the server first: dotnet build -c Release src/Credo.Server (no {credo}).");
            return 2;
        }

        var data = Directory.CreateTempSubdirectory("credo-load-").FullName;
        try
        {
            var apiKey = await SeedAsync(data);
            var port = FreePort();
            var started = Stopwatch.StartNew();
            using var server = StartCredo(credo, "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning");
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            using var probe = new HttpClient { BaseAddress = baseAddress };
            await WaitUntilAsync(async () =>
            {
                using var ready = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                return ready.IsSuccessStatusCode;
            });
            var timeToReady = started.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(10));
            server.Refresh();
            var idleMb = server.WorkingSet64 / (1024.0 * 1024);

            var console = await SignedInClientAsync(baseAddress);
            var api = new HttpClient { BaseAddress = baseAddress };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

            Console.WriteLine($"credo serve: time to first successful /readyz {timeToReady.TotalMilliseconds:N0} ms; idle working set after 10 s {idleMb:N0} MB");
            Console.WriteLine();
            Console.WriteLine($"| endpoint ({Credentials} credentials, {Clients} concurrent clients, {seconds} s) | requests/s | p50 ms | p99 ms | errors |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            await MeasureAsync("GET /Administration/GlobalSettings/Credentials (signed in)", console, "/Administration/GlobalSettings/Credentials", seconds);
            await MeasureAsync("GET /api/v1/credentials (API key)", api, "/api/v1/credentials", seconds);
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }

        await IngestAsync(credo);
        return 0;
    }

    // Credo's own memory while a listener records 5,000 mails of about 20 KB: credo serve and the sandbox each in a
    // process of their own, so that the mails the sandbox holds do not count.
    private static async Task IngestAsync(string credo)
    {
        const string mailbox = "ingest@sandbox.test";
        var data = Directory.CreateTempSubdirectory("credo-ingest-").FullName;
        var sandboxAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        using var sandbox = StartCredo(credo, "sandbox", "--urls", sandboxAddress.ToString(), "--seed-messages", "0", "--mailbox", mailbox);
        try
        {
            using var control = new HttpClient { BaseAddress = sandboxAddress };
            await WaitUntilAsync(async () =>
            {
                using var mailboxes = await control.GetAsync(new Uri("/sandbox/mailboxes", UriKind.Relative));
                return mailboxes.IsSuccessStatusCode;
            });
            for (var delivered = 0; delivered < IngestMails; delivered += 1000)
            {
                using var generated = await control.PostAsJsonAsync(new Uri($"/sandbox/mailboxes/{mailbox}/messages", UriKind.Relative), new { count = 1000, attachmentBytes = 14_000 });
                generated.EnsureSuccessStatusCode();
            }

            var (apiKey, listenerId) = await SeedIngestAsync(data, sandboxAddress, mailbox);
            var address = new Uri($"http://127.0.0.1:{FreePort()}");
            var started = Stopwatch.StartNew();
            using var server = StartCredo(credo, "serve", "--data", data, "--urls", address.ToString(), "--Logging:LogLevel:Default=Warning");
            using var api = new HttpClient { BaseAddress = address };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            await WaitUntilAsync(async () =>
            {
                using var response = await api.GetAsync(new Uri($"/api/v1/listeners/{listenerId}", UriKind.Relative));
                return response.IsSuccessStatusCode &&
                    (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messagesReceived").GetInt64() >= IngestMails;
            });
            var elapsed = started.Elapsed;
            var peakMb = ReadStatusKilobytes(server.Id, "VmHWM:") / 1024.0;
            Console.WriteLine();
            Console.WriteLine($"credo serve recording {IngestMails:N0} mails of about 20 KB from a sandbox in another process: peak working set {peakMb:N0} MB; " +
                $"all recorded {elapsed.TotalSeconds:N1} s after start ({IngestMails / elapsed.TotalSeconds:N0} mails/s, start-up included)");
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        finally
        {
            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(string ApiKey, Guid ListenerId)> SeedIngestAsync(string data, Uri sandbox, string mailbox)
    {
        await using var provider = DataFolderServices(data);
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync(Password, Path.Combine(data, "initial-admin-password"), CancellationToken.None);
        var client = SandboxClient.Default();
        var created = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Sandbox", ClientId = client.ClientId, ClientSecret = client.ClientSecret,
            TokenEndpoint = new Uri(sandbox, SandboxServer.TokenPath).ToString(), Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = sandbox.Host,
        }, "load", CancellationToken.None);
        var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(new ListenerInput
        {
            Name = "Ingest", Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", new Uri(sandbox, "/EWS/Exchange.asmx")), Mailbox = mailbox, CredentialId = created.Value!.Id,
            PollIntervalSeconds = ListenerRules.MinPollIntervalSeconds, UnreadOnly = false, AfterProcessing = AfterProcessing.None,
        }, "load", CancellationToken.None);
        if (change.Value is not { } listener)
        {
            throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
        }

        var (_, key) = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("load", UserRole.Viewer, "load", CancellationToken.None);
        return (key, listener.Id);
    }

    internal static Process StartCredo(string credo, params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo("dotnet", [credo, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CREDO_ADMIN_PASSWORD"] = Password },
        })!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("Gave up after 5 minutes.");
            }

            await Task.Delay(20);
        }
    }

    internal static long ReadStatusKilobytes(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static async Task MeasureAsync(string name, HttpClient client, string path, int seconds)
    {
        // Warm up under the same load until tiered compilation has settled (the first seconds after start-up are
        // spent compiling), then measure.
        await RunClientsAsync(client, path, WarmUp);
        var (latencies, errors, elapsed) = await RunClientsAsync(client, path, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"| {name} | {latencies.Length / elapsed.TotalSeconds:N0} | {Percentile(latencies, 0.50):N1} | {Percentile(latencies, 0.99):N1} | {errors} |");
    }

    private static async Task<(double[] Latencies, int Errors, TimeSpan Elapsed)> RunClientsAsync(HttpClient client, string path, TimeSpan duration)
    {
        var latencies = new List<double>[Clients];
        var errors = 0;
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            while (deadline.Elapsed < duration)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                mine.Add(watch.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return (latencies.SelectMany(l => l).Order().ToArray(), errors, deadline.Elapsed);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<string> SeedAsync(string data)
    {
        await using var provider = DataFolderServices(data);
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync(Password, Path.Combine(data, "initial-admin-password"), CancellationToken.None);
        var credentials = scope.ServiceProvider.GetRequiredService<CredentialStore>();
        for (var i = 0; i < Credentials; i++)
        {
            await credentials.CreateAsync(new CredentialInput
            {
                Name = $"Credential {i:D4}", ClientId = Guid.NewGuid().ToString(), ClientSecret = "secret-" + i,
                TokenEndpoint = $"https://login.microsoftonline.com/tenant{i}/oauth2/v2.0/token", Scopes = "https://outlook.office365.com/.default",
            }, "load", CancellationToken.None);
        }

        var (_, key) = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("load", UserRole.Viewer, "load", CancellationToken.None);
        return key;
    }

    // Credo's services on a data folder, as credo serve will open it.
    internal static ServiceProvider DataFolderServices(string data)
    {
        Directory.CreateDirectory(Path.Combine(data, "keys"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(data, "keys")));
        services.AddCredoCore(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(data, "credo.db")}" });
        services.AddCredoListeners(runInBackground: false);
        return services.BuildServiceProvider();
    }

    private static async Task<HttpClient> SignedInClientAsync(Uri baseAddress)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var page = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = Password, ["__RequestVerificationToken"] = token });
        using var response = await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), form);
        return response.StatusCode == HttpStatusCode.Redirect ? client : throw new InvalidOperationException($"Sign-in failed: HTTP {(int)response.StatusCode}.");
    }

    /// <summary>The machine's one-minute load average, printed beside figures taken on a shared machine.</summary>
    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Credo.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from within the repository.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
