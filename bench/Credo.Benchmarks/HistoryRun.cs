using System.Diagnostics;
using System.Globalization;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>history</c>: reading a listener's received messages as the console, API and CLI do (<see cref="MessageService.PageAsync"/>)
/// when it has recorded <c>mails</c> of them: the first page, the last page (reached by its cursor), the page at a mail in the
/// middle, a search for a rare and for a common word, by sender and with no match, and a day's range. On SQLite (a temporary file) and, when
/// <c>CREDO_TEST_POSTGRES</c> names a server, on PostgreSQL (a temporary database), side by side in one run. Each figure is
/// the median of 7 reads after one warm-up read. Usage:
/// <c>dotnet run -c Release --project bench/Credo.Benchmarks -- history [mails=1000000]</c>.
/// </summary>
/// <remarks>
/// A run mode rather than a BenchmarkDotNet class: seeding a million rows is the cost of the setup, done once per database,
/// and each read is a database round trip whose median over a few repetitions is the figure that matters.
/// </remarks>
internal static class HistoryRun
{
    private const int SeedBatch = 10_000;
    private const int Reads = 7;

    public static async Task<int> RunAsync(string[] args)
    {
        var mails = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        Console.WriteLine($"history: {mails:N0} mails per database, {Environment.ProcessorCount} processors, load average {LoadRun.LoadAverage()}");
        var results = new List<(string Database, string Read, double Ms, int Rows)>();
        var folder = Directory.CreateTempSubdirectory("credo-history-").FullName;
        try
        {
            results.AddRange(await MeasureAsync("SQLite", new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "credo.db")}" }, folder, mails));
            SqliteConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("CREDO_TEST_POSTGRES") is { Length: > 0 } server)
            {
                var name = "credo_history_" + Guid.NewGuid().ToString("N")[..8];
                await AdminAsync(server, $"CREATE DATABASE {name}");
                try
                {
                    var connection = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
                    results.AddRange(await MeasureAsync("PostgreSQL", new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = connection }, folder, mails));
                }
                finally
                {
                    Npgsql.NpgsqlConnection.ClearAllPools();
                    await AdminAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                }
            }
            else
            {
                Console.WriteLine("PostgreSQL: skipped (set CREDO_TEST_POSTGRES to a server's connection string, as .ci/run does)");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine();
        var databases = results.Select(r => r.Database).Distinct().ToList();
        Console.WriteLine($"| read ({mails:N0} mails) | {string.Join(" | ", databases.Select(d => $"{d}: median ms (rows)"))} |");
        Console.WriteLine($"| --- |{string.Concat(databases.Select(_ => " --- |"))}");
        foreach (var read in results.Select(r => r.Read).Distinct())
        {
            Console.WriteLine($"| {read} | {string.Join(" | ", databases.Select(d => results.Single(r => r.Database == d && r.Read == read)).Select(r => $"{r.Ms.ToString("N1", CultureInfo.InvariantCulture)} ({r.Rows})"))} |");
        }

        return 0;
    }

    private static async Task<List<(string, string, double, int)>> MeasureAsync(string database, DatabaseOptions options, string folder, int mails)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));
        services.AddCredoCore(options);
        await using var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        }

        var listener = await BenchListener.CreateAsync(provider, "History", enabled: false);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < mails; done += SeedBatch)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(mails, done + SeedBatch); i++)
            {
                // One mail a minute; a page of a poll (10 mails) shares its instant; one subject in 10,000 is an invoice.
                db.ReceivedMessages.Add(new ReceivedMessage
                {
                    Id = Guid.NewGuid(), ListenerId = listener, DedupeKey = $"<{i:D8}.{Guid.NewGuid():N}@example.test>", ItemId = i.ToString(CultureInfo.InvariantCulture),
                    From = $"Sender {i % 5000} <sender{i % 5000}@example.test>", To = "box@example.test",
                    Subject = i % 10_000 == 17 ? $"Invoice {i}" : $"Order confirmation {i}", Size = 2048, Attachments = "[]",
                    BodyPreview = "The first words of the mail", Mime = [1], RecordedAt = start.AddMinutes(i / 10 * 10),
                });
            }

            await db.SaveChangesAsync();
            if ((done / SeedBatch) % 20 == 19)
            {
                Console.WriteLine($"{database}: {done + SeedBatch:N0} mails seeded, {watch.Elapsed.TotalSeconds:N0} s");
            }
        }

        Console.WriteLine($"{database}: {mails:N0} mails seeded in {watch.Elapsed.TotalSeconds:N0} s");
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            await db.Database.ExecuteSqlRawAsync(options.Provider == DatabaseProvider.Sqlite ? "ANALYZE" : "ANALYZE received_messages");
        }

        // Cursors as a reader reaches them: the last page's (the 100th-oldest mail), and a mail in the middle.
        var (last, middle) = await CursorsAsync(provider, listener, mails);
        var day = start.AddMinutes(mails / 2);
        var reads = new (string Name, MessageQuery Query)[]
        {
            ("first page (100)", new MessageQuery()),
            ("last page, by its cursor", new MessageQuery { Before = last }),
            ("the page at a mail in the middle", new MessageQuery { At = middle }),
            ("search, rare word (\"invoice\")", new MessageQuery { Search = "invoice" }),
            ("search, common word (\"order\"), first page", new MessageQuery { Search = "order" }),
            ("search by sender (\"sender4711@\")", new MessageQuery { Search = "sender4711@" }),
            ("search, no match (\"receipt\")", new MessageQuery { Search = "receipt" }),
            ("one day (recorded from/before)", new MessageQuery { RecordedFrom = day, RecordedBefore = day.AddDays(1) }),
        };
        var results = new List<(string, string, double, int)>();
        foreach (var (name, query) in reads)
        {
            var times = new List<double>();
            var rows = 0;
            for (var i = 0; i <= Reads; i++)
            {
                await using var scope = provider.CreateAsyncScope();
                var read = Stopwatch.StartNew();
                var page = await scope.ServiceProvider.GetRequiredService<MessageService>().PageAsync(listener, query, CancellationToken.None);
                read.Stop();
                rows = page.Messages.Count;
                if (i > 0)
                {
                    times.Add(read.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            results.Add((database, name, times[times.Count / 2], rows));
            Console.WriteLine($"{database}: {name}: median {times[times.Count / 2]:N1} ms, {rows} rows");
        }

        return results;
    }

    private static async Task<(Guid Last, Guid Middle)> CursorsAsync(ServiceProvider provider, Guid listener, int mails)
    {
        await using var scope = provider.CreateAsyncScope();
        var ordered = scope.ServiceProvider.GetRequiredService<CredoDbContext>().ReceivedMessages.AsNoTracking()
            .Where(m => m.ListenerId == listener).OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.DedupeKey).Select(m => m.Id);
        return (await ordered.Skip(mails - 101).FirstAsync(), await ordered.Skip(mails / 2).FirstAsync());
    }

    private static async Task AdminAsync(string server, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
