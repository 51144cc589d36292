using System.Globalization;
using System.Text;

namespace Credo.Core.Text;

/// <summary>File names for downloads made from what a mail says (its subject, an attachment's name), safe on every system.</summary>
public static class DownloadName
{
    private const int MaxLength = 100;

    /// <summary>
    /// <paramref name="text"/> as a file name with <paramref name="extension"/> (such as <c>.eml</c>): path separators, characters
    /// Windows forbids, control and bidirectional-override characters become <c>_</c>, runs of them and of spaces shrink to one,
    /// dots and spaces are trimmed at both ends, and the name is cut to 100 characters; <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string For(string? text, string extension, string fallback)
    {
        ArgumentNullException.ThrowIfNull(extension);
        var name = new StringBuilder();
        foreach (var rune in (text ?? "").EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var unsafeChar = rune.Value is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|'
                || category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
            var replacement = unsafeChar ? "_" : Rune.IsWhiteSpace(rune) ? " " : rune.ToString();
            if ((replacement is "_" or " ") && name.Length > 0 && name[^1] == replacement[0])
            {
                continue;
            }

            name.Append(replacement);
        }

        var trimmed = name.ToString().Trim(' ', '.', '_');
        if (trimmed.Length > MaxLength)
        {
            // Cut on a whole character: never half of a surrogate pair.
            var cut = MaxLength;
            if (char.IsHighSurrogate(trimmed[cut - 1]))
            {
                cut--;
            }

            trimmed = trimmed[..cut].TrimEnd(' ', '.', '_');
        }

        if (trimmed.Length == 0 || IsReservedOnWindows(trimmed))
        {
            trimmed = fallback;
        }

        return trimmed + extension;
    }

    private static bool IsReservedOnWindows(string name)
    {
        var stem = name.Split('.')[0].ToUpperInvariant();
        return stem is "CON" or "PRN" or "AUX" or "NUL" || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && char.IsAsciiDigit(stem[3]));
    }
}
