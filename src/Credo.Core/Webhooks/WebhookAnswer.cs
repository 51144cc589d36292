using System.Text;
using System.Text.RegularExpressions;

namespace Credo.Core.Webhooks;

/// <summary>
/// The start of a receiver's answer body, kept so that the console can show why a delivery failed ("Database unavailable").
/// Only the first kilobyte is read (the receiver may send without end), markup and control characters are removed, and
/// the text is capped at <see cref="MaxLength"/> characters.
/// </summary>
internal static partial class WebhookAnswer
{
    public const int MaxLength = 200;
    private const int ReadBytes = 1024;

    public static async Task<string?> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ReadBytes];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is > 0 and var n)
        {
            read += n;
        }

        return Snippet(Encoding.UTF8.GetString(buffer, 0, read));
    }

    public static string? Snippet(string text)
    {
        var plain = Whitespace().Replace(Markup().Replace(text, " "), " ");
        var clean = new StringBuilder(plain.Length);
        foreach (var c in plain)
        {
            // Control and format characters (bidirectional overrides among them) could disguise what the console shows.
            clean.Append(char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format || c == '\uFFFD' ? ' ' : c);
        }

        var snippet = Whitespace().Replace(clean.ToString(), " ").Trim();
        if (snippet.Length > MaxLength)
        {
            var cut = char.IsHighSurrogate(snippet[MaxLength - 2]) ? MaxLength - 2 : MaxLength - 1;
            snippet = snippet[..cut].TrimEnd() + "…";
        }

        return snippet.Length == 0 ? null : snippet;
    }

    [GeneratedRegex("<[^>]{0,500}>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Markup();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Whitespace();
}
