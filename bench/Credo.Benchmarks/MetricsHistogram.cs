using System.Globalization;

namespace Credo.Benchmarks;

/// <summary>
/// One histogram as a <c>credo serve</c> node exposes it on <c>/metrics</c> (Prometheus text), summed over its labels other
/// than <c>le</c>: cumulative counts by upper bound. Two scrapes give what was observed between them
/// (<see cref="Minus"/>), and a quantile is read as Prometheus would bound it: the upper bound of the bucket that holds it.
/// </summary>
internal sealed class MetricsHistogram
{
    private readonly SortedDictionary<double, long> _cumulative;

    private MetricsHistogram(SortedDictionary<double, long> cumulative) => _cumulative = cumulative;

    /// <summary>How many observations.</summary>
    public long Count => _cumulative.Count == 0 ? 0 : _cumulative[double.PositiveInfinity];

    /// <summary>Reads <paramref name="name"/> (without <c>_bucket</c>) from the <c>/metrics</c> of each node and adds them up.</summary>
    public static async Task<MetricsHistogram> ScrapeAsync(string name, params Uri[] nodes)
    {
        var cumulative = new SortedDictionary<double, long>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var node in nodes)
        {
            var text = await http.GetStringAsync(new Uri(node, "/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith(name + "_bucket{", StringComparison.Ordinal))
                {
                    continue;
                }

                var le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
                var bound = line[le..line.IndexOf('"', le)];
                var upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
                // The value, then perhaps a timestamp.
                var value = (long)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                cumulative[upper] = cumulative.GetValueOrDefault(upper) + value;
            }
        }

        return new MetricsHistogram(cumulative);
    }

    /// <summary>What was observed since <paramref name="before"/>.</summary>
    public MetricsHistogram Minus(MetricsHistogram before) =>
        new(new SortedDictionary<double, long>(_cumulative.ToDictionary(b => b.Key, b => b.Value - before._cumulative.GetValueOrDefault(b.Key))));

    /// <summary>The upper bound of the bucket holding quantile <paramref name="q"/>, in seconds; null with no observation.</summary>
    public double? Quantile(double q)
    {
        var count = Count;
        if (count == 0)
        {
            return null;
        }

        var rank = Math.Ceiling(q * count);
        return _cumulative.First(b => b.Value >= rank).Key;
    }

    /// <summary>Observations above <paramref name="bound"/> seconds (a bucket bound).</summary>
    public long Above(double bound) => Count - _cumulative.GetValueOrDefault(bound);

    /// <summary>"≤ 25 ms", "≤ 1 s", "> 300 s" or "–": a quantile as its bucket bounds it.</summary>
    public string Text(double q) => Quantile(q) switch
    {
        null => "–",
        double.PositiveInfinity => $"> {_cumulative.Keys.Where(k => !double.IsInfinity(k)).Max().ToString(CultureInfo.InvariantCulture)} s",
        < 1 and var s => $"≤ {(s * 1000).ToString(CultureInfo.InvariantCulture)} ms",
        var s => $"≤ {s.Value.ToString(CultureInfo.InvariantCulture)} s",
    };
}
