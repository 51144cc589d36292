using Microsoft.Extensions.Logging.Testing;

namespace Credo.Tests;

/// <summary>Assertions over captured logs (linked into the test projects that capture them).</summary>
internal static class LogAssert
{
    /// <summary>Asserts that something was logged and that no record (message, exception, structured values) holds any of <paramref name="values"/>.</summary>
    public static void NoRecordHolds(FakeLogCollector logs, IEnumerable<string> values)
    {
        var forbidden = values.ToList();
        var records = logs.GetSnapshot();
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = string.Join('\n', new[] { record.Message, record.Exception?.ToString() }
                .Concat(record.StructuredState?.Select(p => p.Value) ?? []).OfType<string>());
            foreach (var value in forbidden)
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            }
        }
    }
}
