using System.Diagnostics.Metrics;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Retention.Internal;

/// <summary>
/// The database's size in bytes, cached: the purge refreshes it after each pass, and an observation older than a minute
/// starts one refresh in the background while the cached figure is reported.
/// </summary>
internal sealed class DatabaseSize(IServiceScopeFactory scopes, TimeProvider time, ILogger<DatabaseSize> logger)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private long _bytes = -1;
    private long _readAtTicks = DateTimeOffset.MinValue.UtcTicks;
    private int _refreshing;

    /// <summary>The last figure read, or null before the first.</summary>
    public long? Bytes => Interlocked.Read(ref _bytes) is var bytes and >= 0 ? bytes : null;

    public IEnumerable<Measurement<long>> Observe()
    {
        if (time.GetUtcNow().UtcTicks - Interlocked.Read(ref _readAtTicks) > MaxAge.Ticks && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None);
                }
                catch (Exception e)
                {
                    Log.SizeFailed(logger, e);
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
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
        var bytes = db is PostgreSqlCredoDbContext
            ? await db.Database.SqlQuery<long>($"SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(cancellationToken)
            : await db.Database.SqlQuery<long>($"SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) AS \"Value\"").SingleAsync(cancellationToken);
        Interlocked.Exchange(ref _bytes, bytes);
        Interlocked.Exchange(ref _readAtTicks, time.GetUtcNow().UtcTicks);
        return bytes;
    }
}
