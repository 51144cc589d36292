using System.Diagnostics.CodeAnalysis;

namespace Credo.OAuth;

/// <summary>
/// The scopes of a token request (RFC 6749 §3.3): one or more case-sensitive tokens of the characters
/// <c>%x21 / %x23-5B / %x5D-7E</c>, separated by spaces. Order is kept and duplicates are dropped, so
/// equal sets of scopes written the same way have the same <see cref="Value"/>.
/// </summary>
public sealed class ScopeSet : IEquatable<ScopeSet>
{
    private ScopeSet(string[] tokens)
    {
        Tokens = tokens;
        Value = string.Join(' ', tokens);
    }

    /// <summary>The scope tokens in the order given, without duplicates.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The tokens joined by single spaces: the value of the <c>scope</c> parameter.</summary>
    public string Value { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> with the reason when it is not valid.</summary>
    public static ScopeSet Parse(string text) =>
        TryParse(text, out var scopes, out var error) ? scopes : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/>, or explains in <paramref name="error"/> what is wrong and how to fix it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ScopeSet? scopes, [NotNullWhen(false)] out string? error)
    {
        scopes = null;
        var parts = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            error = "Enter at least one scope, for example https://outlook.office365.com/.default; separate several with spaces.";
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            var bad = part.AsSpan().IndexOfAnyExcept(ScopeTokenChars);
            if (bad >= 0)
            {
                error = $"The scope \"{Printable(part)}\" contains {Describe(part[bad])}, which a scope may not contain (RFC 6749 §3.3 allows printable ASCII except space, \" and \\). Separate scopes with single spaces.";
                return false;
            }

            if (seen.Add(part))
            {
                tokens.Add(part);
            }
        }

        scopes = new ScopeSet([.. tokens]);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="scope"/> is one of the tokens.</summary>
    public bool Contains(string scope) => Tokens.Contains(scope, StringComparer.Ordinal);

    /// <inheritdoc />
    public bool Equals(ScopeSet? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ScopeSet);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The <see cref="Value"/>.</summary>
    public override string ToString() => Value;

    private static readonly System.Buffers.SearchValues<char> ScopeTokenChars = System.Buffers.SearchValues.Create(
        "!#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static string Describe(char c) => c switch
    {
        '"' => "a double quote",
        '\\' => "a backslash",
        _ when char.IsControl(c) || char.IsWhiteSpace(c) => $"the control or space character U+{(int)c:X4}",
        _ => $"the non-ASCII character '{c}'",
    };

    private static string Printable(string s)
    {
        var printable = string.Concat(s.Select(c => char.IsControl(c) ? '?' : c));
        return printable.Length > 60 ? printable[..60] + "…" : printable;
    }
}
