using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Credo.Core.ApiKeys;
using Credo.Core.Credentials;
using Credo.Core.Persistence;
using Credo.Core.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>load</c>: starts <c>credo serve</c> (the Release build) on a data folder seeded with 1,000 credentials and measures
/// the time to the first successful <c>/readyz</c>, the idle memory, and requests per second with latency
/// percentiles for the credentials page and <c>GET /api/v1/credentials</c> under 50 concurrent clients.
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- load [seconds]</c>.
/// </summary>
internal static partial class LoadRun
{
    private const int Credentials = 1000;
    private const int Clients = 50;
    private const string Password = "load-run-password";

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
            using var server = Process.Start(new ProcessStartInfo("dotnet", [credo, "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["CREDO_ADMIN_PASSWORD"] = Password },
            })!;
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            using var probe = new HttpClient { BaseAddress = baseAddress };
            while (true)
            {
                try
                {
                    using var ready = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
                    if (ready.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(20);
            }

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
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task MeasureAsync(string name, HttpClient client, string path, int seconds)
    {
        // Warm up, then run all clients for the given time.
        for (var i = 0; i < 20; i++)
        {
            using var warm = await client.GetAsync(new Uri(path, UriKind.Relative));
        }

        var latencies = new List<double>[Clients];
        var errors = 0;
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            while (deadline.Elapsed.TotalSeconds < seconds)
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
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine($"| {name} | {all.Length / deadline.Elapsed.TotalSeconds:N0} | {Percentile(all, 0.50):N1} | {Percentile(all, 0.99):N1} | {errors} |");
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<string> SeedAsync(string data)
    {
        Directory.CreateDirectory(Path.Combine(data, "keys"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(data, "keys")));
        services.AddCredoCore(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(data, "credo.db")}" });
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<UserService>().EnsureFirstAdminAsync(Password, Path.Combine(data, "initial-admin-password"), CancellationToken.None);
        var credentials = scope.ServiceProvider.GetRequiredService<CredentialService>();
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

    private static async Task<HttpClient> SignedInClientAsync(Uri baseAddress)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var page = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = Password, ["__RequestVerificationToken"] = token });
        using var response = await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), form);
        return response.StatusCode == HttpStatusCode.Redirect ? client : throw new InvalidOperationException($"Sign-in failed: HTTP {(int)response.StatusCode}.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
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
