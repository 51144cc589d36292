using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Persistence;
using Credo.Ews;
using Credo.OAuth;
using Credo.Sandbox;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// 5,000 mails of about 20 KB MIME from the sandbox (in process, loopback): the listener engine recording them into
/// SQLite (one poll, after-processing "leave unchanged") against the raw EWS fetch of the same mails without
/// recording. Columns: mails per second and the process's peak working set. Six warm-up polls: until tiered
/// compilation has settled the iterations measure the JIT (5 s, 2 s, 1.4 s, then steady).
/// </summary>
[Config(typeof(Config))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 6, iterationCount: 5, invocationCount: 1)]
public class ListenerIngestBenchmarks
{
    public const int Mails = 5000;
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-ingest-").FullName;
    private SandboxServer _sandbox = null!;
    private ServiceProvider _services = null!;
    private Guid _credentialId;
    private Guid _listenerId;
    private EwsMailbox _mailbox = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Mailboxes.Clear();
        _sandbox = await SandboxServer.StartAsync(options);
        var mailbox = _sandbox.Mailboxes.Create("ingest@sandbox.test");
        for (var i = 0; i < Mails; i++)
        {
            mailbox.Deliver(_sandbox.Mailboxes.Generate(mailbox.Address, attachmentBytes: 14_000), mailbox.WellKnown("inbox").Id);
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(_folder, "keys")));
        services.AddCredoCore(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" });
        services.AddCredoListeners(runInBackground: false);
        _services = services.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        var client = SandboxClient.Default();
        var credential = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Sandbox", ClientId = client.ClientId, ClientSecret = client.ClientSecret, TokenEndpoint = _sandbox.TokenEndpoint.ToString(), Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = _sandbox.BaseAddress.Host,
        }, "bench", CancellationToken.None);
        _credentialId = credential.Value!.Id;
        var credentials = new ClientCredentials(_sandbox.TokenEndpoint, client.ClientId, new Credo.OAuth.Secret(client.ClientSecret), ScopeSet.Parse(SandboxClient.ExchangeOnlineScope));
        _mailbox = new EwsMailbox(_sandbox.EwsEndpoint, mailbox.Address, new CachedAccessTokenSource(_services.GetRequiredService<Credo.OAuth.ITokenCache>(), "raw", 1, credentials));
    }

    private long _peakBytes;
    private long _harnessBytes;

    private static long ReadStatus(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    [IterationSetup(Target = nameof(RawEwsFetch))]
    public void ResetPeak()
    {
        // Linux: writing 5 to clear_refs resets the peak resident set (VmHWM), so the peak is that of the measured work.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        _harnessBytes = Math.Max(_harnessBytes, ReadStatus("VmRSS:"));
    }

    [IterationCleanup]
    public void ReadPeak()
    {
        _peakBytes = Math.Max(_peakBytes, ReadStatus("VmHWM:"));
    }

    [IterationSetup(Target = nameof(RecordIntoSqlite))]
    public void NewListener()
    {
        ResetPeak();
        using var scope = _services.CreateScope();
        var change = scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(new ListenerInput
        {
            Name = "Ingest " + Guid.NewGuid().ToString("N")[..8], Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", _sandbox.EwsEndpoint), Mailbox = "ingest@sandbox.test",
            CredentialId = _credentialId, UnreadOnly = false, AfterProcessing = AfterProcessing.None,
        }, "bench", CancellationToken.None).GetAwaiter().GetResult();
        _listenerId = change.Value!.Id;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        File.WriteAllText(Path.Combine(Path.GetTempPath(), $"credo-ingest-peak-{Process.GetCurrentProcess().ProcessName}-{(_listenerId == Guid.Empty ? "raw" : "record")}.txt"),
            $"{_peakBytes / (1024 * 1024)} (harness {_harnessBytes / (1024 * 1024)})");
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> RawEwsFetch()
    {
        var ews = _services.GetRequiredService<IEwsClient>();
        string? state = null;
        long bytes = 0;
        while (true)
        {
            var page = await ews.SyncFolderItemsAsync(_mailbox, EwsFolderId.Inbox, state, 512, CancellationToken.None);
            foreach (var batch in page.Value!.Changes.Select(c => c.ItemId).Chunk(10))
            {
                var items = await ews.GetItemsAsync(_mailbox, batch, includeMime: true, CancellationToken.None);
                bytes += items.Value!.Sum(i => i.Value!.Mime!.Value.Length);
            }

            state = page.Value.SyncState;
            if (page.Value.IncludesLastItemInRange)
            {
                return bytes;
            }
        }
    }

    [Benchmark]
    public async Task<int> RecordIntoSqlite()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ListenerLease>().TryAcquireAsync(_listenerId, CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<ListenerPoller>().PollAsync(_listenerId, CancellationToken.None);
        var recorded = scope.ServiceProvider.GetRequiredService<CredoDbContext>().ReceivedMessages.Count(m => m.ListenerId == _listenerId);
        return recorded == Mails ? recorded : throw new InvalidOperationException($"Recorded {recorded} of {Mails}.");
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ComputedColumn("Mails/s", "Mails per second (5,000 / mean)", (summary, benchmarkCase) =>
                summary[benchmarkCase]?.ResultStatistics is { } stats ? (Mails / (stats.Mean / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "?"));
            AddColumn(new ComputedColumn("Peak WS (MB)", "Peak resident set of the benchmark process during the measured iterations, and (harness) its resident set before them: the in-process sandbox holding the 5,000 mails", (_, benchmarkCase) =>
            {
                var kind = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(RecordIntoSqlite) ? "record" : "raw";
                var file = Directory.GetFiles(Path.GetTempPath(), $"credo-ingest-peak-*-{kind}.txt").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
                return file is null ? "?" : File.ReadAllText(file);
            }));
        }
    }
}
