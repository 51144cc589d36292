using System.Diagnostics.Metrics;

namespace Credo.Core.Retention.Internal;

/// <summary>
/// The <c>Credo.Retention</c> meter's counter of rows the purge removed, by kind (<c>mime</c>, <c>record</c>, <c>delivery</c>);
/// <see cref="DatabaseSize"/> adds the database size gauge to the same meter.
/// </summary>
internal sealed class RetentionMetrics
{
    public const string MeterName = "Credo.Retention";

    private readonly Counter<long> _removed;

    public RetentionMetrics(IMeterFactory meterFactory) =>
        _removed = meterFactory.Create(MeterName).CreateCounter<long>(
            "credo.retention.removed", "{row}", "Rows the retention purge removed or emptied, by kind: mime (content dropped, record kept), record, delivery.");

    public void Removed(string kind, int rows)
    {
        if (rows > 0)
        {
            _removed.Add(rows, new KeyValuePair<string, object?>("kind", kind));
        }
    }
}
