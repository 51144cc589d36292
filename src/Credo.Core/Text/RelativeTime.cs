using System.Globalization;

namespace Credo.Core.Text;

/// <summary>Times as people read them on a status page: "12 s ago", "in 4 min".</summary>
public static class RelativeTime
{
    /// <summary>A duration in its largest whole unit: "12 s", "4 min", "3 h", "2 d".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = span.Negate();
        }

        return span.TotalSeconds < 60 ? Whole(span.TotalSeconds, "s")
            : span.TotalMinutes < 60 ? Whole(span.TotalMinutes, "min")
            : span.TotalHours < 48 ? Whole(span.TotalHours, "h")
            : Whole(span.TotalDays, "d");
    }

    /// <summary>"12 s ago" for a past <paramref name="at"/>, "in 12 s" for a future one, "now" within a second.</summary>
    public static string From(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.Duration() < TimeSpan.FromSeconds(1) ? "now"
            : span > TimeSpan.Zero ? $"{Span(span)} ago"
            : $"in {Span(span)}";
    }

    /// <summary>The exact time, as every page shows it beside the relative one: <c>2026-11-30 14:27:48 UTC</c>.</summary>
    public static string Exact(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The ISO 8601 form for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Whole(double value, string unit) => $"{Math.Floor(value).ToString(CultureInfo.InvariantCulture)} {unit}";
}
