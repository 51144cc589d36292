using System.Globalization;
using System.Text.RegularExpressions;

namespace Credo.Server.Tests.Hosting;

/// <summary>The samples of a Prometheus text exposition, looked up by metric name and some of their labels.</summary>
public sealed partial class PrometheusText(string text)
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = Parse(text);

    public string Text => text;

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include <paramref name="labels"/> ("key=value").</summary>
    public double Value(string name, params string[] labels) => Assert.Single(Find(name, labels)).Value;

    /// <summary>The value of that sample, or null when there is none.</summary>
    public double? ValueOrNull(string name, params string[] labels) => Find(name, labels).Select(s => (double?)s.Value).SingleOrDefault();

    private IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Find(string name, string[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => l.Split('=', 2) is [var key, var value] && s.Labels.GetValueOrDefault(key) == value));

    private static List<(string, Dictionary<string, string>, double)> Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add((match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex Label();
}
