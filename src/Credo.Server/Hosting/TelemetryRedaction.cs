using System.Diagnostics;
using OpenTelemetry;

namespace Credo.Server.Hosting;

/// <summary>
/// The last word on what a span may say before any exporter sees it: URLs lose their query string (delta and skip
/// tokens, filters) and any path segment that holds a mail address (Microsoft Graph's <c>/users/{address}/...</c>).
/// </summary>
internal sealed class TelemetryRedaction : BaseProcessor<Activity>
{
    private const string Mailbox = "{mailbox}";

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.GetTagItem("url.full") is string full)
        {
            data.SetTag("url.full", RedactUrl(full));
        }

        if (data.GetTagItem("url.path") is string path)
        {
            data.SetTag("url.path", RedactPath(path));
        }

        if (data.GetTagItem("url.query") is not null)
        {
            data.SetTag("url.query", null);
        }

        if (data.DisplayName.Contains('@', StringComparison.Ordinal) || data.DisplayName.Contains("%40", StringComparison.OrdinalIgnoreCase))
        {
            data.DisplayName = RedactPath(data.DisplayName);
        }
    }

    /// <summary>Scheme, host, port and the path with addresses replaced; no user info, query or fragment.</summary>
    public static string RedactUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}{RedactPath(uri.AbsolutePath)}"
            : RedactPath(url.Split('?', '#')[0]);

    public static string RedactPath(string path) =>
        string.Join('/', path.Split('/').Select(segment =>
            segment.Contains('@', StringComparison.Ordinal) || segment.Contains("%40", StringComparison.OrdinalIgnoreCase) ? Mailbox : segment));
}
