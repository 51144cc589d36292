using System.Diagnostics;
using System.Globalization;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Retention;
using Credo.Core.Retention.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// <c>retention</c>: what purging costs on SQLite. On a temporary database with the real schema (migrated as Credo does),
/// records <c>mails</c> received messages of <c>kb</c> KiB MIME, recorded 31 days ago; then (1) the file size, (2) the
/// one-time switch of a copy left with <c>auto_vacuum</c> NONE (as an earlier version left it) through Credo's migrate
/// step: the VACUUM's time and the peak disk seen during it, (3) the real purge through <see cref="RetentionPurger"/> as the
/// service runs it (MIME only; records and deliveries keep forever here): each statement's time as SQLite reports it
/// (sqlite3_profile), the MIME batches and the incremental vacuum steps, and the file size after.
/// Usage: <c>dotnet run -c Release --project bench/Credo.Benchmarks -- retention [mails=4000] [kb=50]</c>.
/// </summary>
/// <remarks>
/// A run mode rather than a BenchmarkDotNet class: each figure is a one-off cost of a database that the measurement
/// changes (a purge empties it, a VACUUM switches it once), so it is measured once, with a Stopwatch and SQLite's own timing.
/// </remarks>
internal static class RetentionRun
{
    private const int SeedBatch = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        var mails = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
        var kb = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        var folder = Directory.CreateTempSubdirectory("credo-retention-").FullName;
        var file = Path.Combine(folder, "credo.db");
        var earlier = Path.Combine(folder, "earlier.db");
        var options = new RetentionOptions { RecordDays = 0, DeliveredWebhookDays = 0 };
        Console.WriteLine($"retention: {mails} mails of {kb} KiB MIME, {Environment.ProcessorCount} processors, load average {LoadRun.LoadAverage()}, in {folder}");
        var provider = Build(folder, file, options);
        try
        {
            // 1. Seed.
            var watch = Stopwatch.StartNew();
            await using (var scope = provider.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
            }

            var listenerId = await BenchListener.CreateAsync(provider, "Retention", enabled: true);
            await SeedAsync(provider, provider.GetRequiredService<TimeProvider>(), listenerId, mails, kb * 1024);
            await CheckpointAsync(file);
            var seeded = Bytes(file);
            Console.WriteLine($"seeded in {watch.Elapsed.TotalSeconds:N1} s: {Mib(seeded)} (db + wal after a checkpoint)");

            // 2. The one-time switch, on a copy made as an earlier version left it: auto_vacuum NONE (itself a VACUUM, not measured).
            SqliteConnection.ClearAllPools();
            File.Copy(file, earlier);
            await using (var connection = new SqliteConnection($"Data Source={earlier}"))
            {
                await connection.OpenAsync();
                await ExecuteAsync(connection, "PRAGMA auto_vacuum = NONE; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
                if (await ScalarAsync(connection, "PRAGMA auto_vacuum;") != 0)
                {
                    throw new InvalidOperationException("The copy is not at auto_vacuum NONE.");
                }
            }

            SqliteConnection.ClearAllPools();
            var switchBefore = Bytes(earlier);
            var (switchTime, switchPeak, freeDrop) = await SwitchAsync(folder, earlier, options);
            var switchAfter = Bytes(earlier);
            Console.WriteLine($"switch: {switchTime.TotalSeconds:N1} s, {Mib(switchBefore)} before, peak {Mib(switchPeak)} (db + wal), free space on the volume fell by up to {Mib(freeDrop)}, {Mib(switchAfter)} after");
            File.Delete(earlier);

            // 3. The real purge, as the service runs it: its own scope, the purger on the scope's context.
            var statements = new List<(string Kind, double Ms, TimeSpan At)>();
            var total = Stopwatch.StartNew();
            RetentionPass pass;
            await using (var scope = provider.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
                await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.OpenConnectionAsync(db.Database);
                var handle = ((SqliteConnection)Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(db.Database)).Handle!;
                SQLitePCL.raw.sqlite3_profile(handle, (SQLitePCL.strdelegate_profile)((_, sql, ns) =>
                {
                    var kind = sql.Contains("incremental_vacuum", StringComparison.OrdinalIgnoreCase) ? "vacuum"
                        : sql.Contains("wal_checkpoint", StringComparison.OrdinalIgnoreCase) ? "checkpoint"
                        : sql.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) ? "mime"
                        : "other";
                    statements.Add((kind, ns / 1e6, total.Elapsed));
                }), null);
                total.Restart();
                pass = await scope.ServiceProvider.GetRequiredService<RetentionPurger>().PurgeAsync(CancellationToken.None);
                total.Stop();
                SQLitePCL.raw.sqlite3_profile(handle, (SQLitePCL.strdelegate_profile)null!, null);
                await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.CloseConnectionAsync(db.Database);
            }

            SqliteConnection.ClearAllPools();
            var purged = Bytes(file);
            var mime = statements.Where(s => s.Kind == "mime").ToList();
            var vacuum = statements.Where(s => s.Kind == "vacuum").ToList();
            var mimeWall = mime.Count > 0 ? mime[^1].At : TimeSpan.Zero;
            Console.WriteLine($"purge: {pass.Mime} MIME emptied, {pass.PagesFreed} pages given back, {total.Elapsed.TotalSeconds:N1} s in all (pauses included); {Mib(purged)} after");

            Print(mails, kb, seeded, switchBefore, switchTime, switchPeak, freeDrop, switchAfter, pass, options, mime, vacuum, mimeWall, total.Elapsed,
                statements.Where(s => s.Kind == "checkpoint").Sum(s => s.Ms), purged);
            return 0;
        }
        finally
        {
            await provider.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ServiceProvider Build(string folder, string file, RetentionOptions retention)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));
        services.AddCredoCore(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" });
        services.AddCredoRetention(runInBackground: false);
        services.Configure<RetentionOptions>(o =>
        {
            o.RecordDays = retention.RecordDays;
            o.DeliveredWebhookDays = retention.DeliveredWebhookDays;
        });
        return services.BuildServiceProvider();
    }

    // As the engine records mail (the entity types, SaveChanges), in batches; recorded 31 days ago, past the default 30 of MimeDays.
    private static async Task SeedAsync(ServiceProvider provider, TimeProvider time, Guid listenerId, int mails, int mimeBytes)
    {
        var recorded = time.GetUtcNow() - TimeSpan.FromDays(31);
        for (var done = 0; done < mails; done += SeedBatch)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            for (var i = done; i < Math.Min(mails, done + SeedBatch); i++)
            {
                var mime = new byte[mimeBytes];
                Random.Shared.NextBytes(mime);
                var at = recorded + TimeSpan.FromSeconds(i);
                db.ReceivedMessages.Add(new ReceivedMessage
                {
                    Id = Guid.NewGuid(), ListenerId = listenerId, DedupeKey = $"<{Guid.NewGuid():N}@example.test>", ItemId = Guid.NewGuid().ToString("N"),
                    InternetMessageId = $"<{Guid.NewGuid():N}@example.test>", From = "sender@example.test", To = "to@example.test", Subject = $"Mail {i}",
                    ReceivedAt = at, Size = mimeBytes, Attachments = "[]", BodyPreview = "The first words", Mime = mime, RecordedAt = at,
                });
            }

            await db.SaveChangesAsync();
        }
    }

    // Credo's migrate step on the copy, in a provider of its own, with the folder's db + wal and the volume's free space
    // sampled every 20 ms meanwhile (the VACUUM's temporary copy is an unlinked file, seen only in the free space).
    private static async Task<(TimeSpan Took, long Peak, long FreeDrop)> SwitchAsync(string folder, string file, RetentionOptions retention)
    {
        var drive = new DriveInfo(folder);
        var freeBefore = drive.AvailableFreeSpace;
        long peak = Bytes(file), lowestFree = freeBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Bytes(file));
                lowestFree = Math.Min(lowestFree, drive.AvailableFreeSpace);
                await Task.Delay(20, CancellationToken.None);
            }
        });
        await using var provider = Build(Path.Combine(folder, "earlier-keys"), file, retention);
        var watch = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        }

        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            if (await ScalarAsync(connection, "PRAGMA auto_vacuum;") != 2)
            {
                throw new InvalidOperationException("The migrate step did not switch the copy to INCREMENTAL.");
            }
        }

        SqliteConnection.ClearAllPools();
        return (watch.Elapsed, peak, Math.Max(0, freeBefore - lowestFree));
    }

    private static void Print(
        int mails, int kb, long seeded, long switchBefore, TimeSpan switchTime, long switchPeak, long freeDrop, long switchAfter, RetentionPass pass,
        RetentionOptions options, List<(string Kind, double Ms, TimeSpan At)> mime, List<(string Kind, double Ms, TimeSpan At)> vacuum, TimeSpan mimeWall,
        TimeSpan total, double checkpointMs, long purged)
    {
        static string Ms(double ms) => $"{ms:N0} ms";
        var rows = new (string, string)[]
        {
            ("machine", $"{Environment.ProcessorCount} processors, load average {LoadRun.LoadAverage()}"),
            ("database", $"{mails} mails × {kb} KiB MIME: {Mib(seeded)} (db + wal)"),
            ("one-time switch (VACUUM)", $"{switchTime.TotalSeconds:N1} s for {Mib(switchBefore)}; peak db + wal {Mib(switchPeak)}, free space fell by up to {Mib(freeDrop)}; {Mib(switchAfter)} after"),
            ("emptying MIME", $"{pass.Mime} mails in {mime.Count} batch(es) of ≤ {options.BatchSize}: {Ms(mime.Sum(s => s.Ms))} of statements, longest {Ms(mime.Count > 0 ? mime.Max(s => s.Ms) : 0)}; {mimeWall.TotalSeconds:N1} s with the pauses"),
            ("incremental vacuum", $"{pass.PagesFreed} pages in {vacuum.Count} step(s) of ≤ {options.VacuumPagesPerStep}: {Ms(vacuum.Sum(s => s.Ms))} of statements, longest {Ms(vacuum.Count > 0 ? vacuum.Max(s => s.Ms) : 0)}; {(total - mimeWall).TotalSeconds:N1} s with the pauses and the checkpoint ({Ms(checkpointMs)})"),
            ("whole purge", $"{total.TotalSeconds:N1} s (pauses as long as each step, and the first use of the purge's queries in this process, included)"),
            ("statement times", "SQLite's own (sqlite3_profile), per statement; the rest is Stopwatch"),
            ("file after", $"{Mib(purged)} (db + wal), from {Mib(seeded)}"),
        };
        var width = rows.Max(r => r.Item1.Length);
        Console.WriteLine();
        foreach (var (name, value) in rows)
        {
            Console.WriteLine($"{name.PadRight(width)}  {value}");
        }
    }

    private static long Bytes(string file) =>
        new[] { file, file + "-wal" }.Sum(f =>
        {
            try
            {
                return new FileInfo(f) is { Exists: true } info ? info.Length : 0;
            }
            catch (IOException)
            {
                return 0;
            }
        });

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N1} MiB";

    private static async Task CheckpointAsync(string file)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
