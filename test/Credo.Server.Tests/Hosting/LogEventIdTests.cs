using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Credo.Server.Tests.Hosting;

/// <summary>
/// Every log line has an event id of its own, in its project's range (README, "Logs"), so that an operator can filter on
/// one and a new line cannot reuse another's by accident.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly (string Assembly, int From, int To)[] Ranges =
    [
        ("Credo.Net", 1000, 1099),
        ("Credo.OAuth", 1100, 1199),
        ("Credo.Ews", 1200, 1299),
        ("Credo.Graph", 1300, 1399),
        ("Credo.Imap", 1400, 1499),
        ("Credo.Pop3", 1500, 1599),
        ("Credo.Core", 2000, 2999),
        ("credo", 3000, 3999),
        ("Credo.Sandbox", 4000, 4099),
    ];

    [Fact]
    public void Each_log_line_has_an_event_id_of_its_own_in_its_projects_range()
    {
        var lines = Ranges
            .SelectMany(r => Assembly.Load(r.Assembly).GetTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                .Select(m => (Range: r, Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
                .Where(m => m.Attribute is not null)
                .Select(m => (m.Range, m.Method, Id: m.Attribute!.EventId)))
            .ToList();

        Assert.True(lines.Count > 40, $"only {lines.Count} log lines were found: the scan missed some");
        Assert.All(Ranges, r => Assert.Contains(lines, l => l.Range == r));
        Assert.All(lines, l => Assert.True(l.Id >= l.Range.From && l.Id <= l.Range.To, $"{l.Method} has event id {l.Id}, outside {l.Range.Assembly}'s {l.Range.From}–{l.Range.To}"));
        var shared = lines.GroupBy(l => l.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(l => l.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
