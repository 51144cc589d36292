using System.Diagnostics.Metrics;

namespace Credo.Core.Retention.Internal;

/// <summary>
/// The <c>Credo.Retention</c> meter: rows the purge removed, by kind (<c>mime</c>, <c>record</c>, <c>delivery</c>), and the
/// database's size in bytes, read by <see cref="DatabaseSize"/> and cached so that a scrape never queries the database.
/// </summary>
internal sealed class RetentionMetrics
{
    public const string MeterName = "Credo.Retention";

    private readonly Counter<long> _removed;

    public RetentionMetrics(IMeterFactory meterFactory, DatabaseSize size)
    {
        var meter = meterFactory.Create(MeterName);
        _removed = meter.CreateCounter<long>("credo.retention.removed", "{row}", "Rows the retention purge removed or emptied, by kind: mime (content dropped, record kept), record, delivery.");
        meter.CreateObservableGauge("credo.database.size", () => size.Observe(), "By", "Size of Credo's database: SQLite page_count × page_size; PostgreSQL pg_database_size.");
    }

    public void Removed(string kind, int rows)
    {
        if (rows > 0)
        {
            _removed.Add(rows, new KeyValuePair<string, object?>("kind", kind));
        }
    }
}
