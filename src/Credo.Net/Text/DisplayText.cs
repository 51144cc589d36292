using System.Text;

namespace Credo.Net.Text;

/// <summary>
/// Text that came from outside (a mail's subject or sender, a server's error message, a name someone typed), made safe
/// to show: nothing in it can move a terminal's cursor, change its colours, ring its bell or cut a line short, and
/// nothing can reverse the direction of what is shown around it (<c>invoice\u202Egpj.exe</c> read as
/// <c>invoiceexe.jpg</c>).
/// </summary>
public static class DisplayText
{
    // Every character Clean removes or replaces, so that text without any is returned as it is.
    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(i => (char)i),
            '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']);

    /// <summary>
    /// <paramref name="text"/> without C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F) and without the
    /// bidirectional embeddings, overrides, isolates and marks (<see cref="IsBidiControl"/>). Tab, line feed, carriage
    /// return and the other breaks among them become one space each, so words stay apart; everything else of them is
    /// dropped. <see langword="null"/> reads as empty.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var first = text.AsSpan().IndexOfAny(Unsafe);
        if (first < 0)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        clean.Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (IsBreak(c))
            {
                clean.Append(' ');
            }
            else if (!char.IsControl(c) && !IsBidiControl(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    /// <summary>
    /// Whether <paramref name="c"/> changes the direction of the text around it: the embeddings and overrides
    /// U+202A–U+202E, the isolates U+2066–U+2069, and the marks U+200E, U+200F and U+061C.
    /// </summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    private static bool IsBreak(char c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or '\u0085';
}
