using System.Diagnostics.Metrics;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Retention.Internal;

/// <summary>
/// The gauge <c>credo.database.size</c> on the <c>Credo.Retention</c> meter: the database's size in bytes, cached so that a
/// scrape never waits for the database. The purge refreshes it after each pass, and an observation of a figure older than a
/// minute starts one refresh in the background while the cached figure is reported.
/// </summary>
internal sealed class DatabaseSize
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<DatabaseSize> _logger;
    private long _bytes = -1;
    private long _readAtTicks = DateTimeOffset.MinValue.UtcTicks;
    private int _refreshing;

    public DatabaseSize(IMeterFactory meterFactory, IServiceScopeFactory scopes, TimeProvider time, ILogger<DatabaseSize> logger)
    {
        _scopes = scopes;
        _time = time;
        _logger = logger;
        meterFactory.Create(RetentionMetrics.MeterName).CreateObservableGauge(
            "credo.database.size", Observe, "By", "Size of Credo's database: SQLite page_count × page_size; PostgreSQL pg_database_size(current_database()).");
    }

    /// <summary>The last figure read, or null before the first.</summary>
    public long? Bytes => Interlocked.Read(ref _bytes) is var bytes and >= 0 ? bytes : null;

    public IEnumerable<Measurement<long>> Observe()
    {
        if (_time.GetUtcNow().UtcTicks - Interlocked.Read(ref _readAtTicks) > MaxAge.Ticks && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None);
                }
                catch (Exception e)
                {
                    Log.SizeFailed(_logger, e);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            });
        }

        return Bytes is { } bytes ? [new Measurement<long>(bytes)] : [];
    }

    public async Task<long> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var bytes = db is PostgreSqlCredoDbContext
            ? await db.Database.SqlQuery<long>($"SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(cancellationToken)
            : await db.Database.SqlQuery<long>($"SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) AS \"Value\"").SingleAsync(cancellationToken);
        Interlocked.Exchange(ref _bytes, bytes);
        Interlocked.Exchange(ref _readAtTicks, _time.GetUtcNow().UtcTicks);
        return bytes;
    }
}
