namespace Credo.Core.Persistence;

/// <summary>Text searches in SQL: PostgreSQL's <c>ILIKE</c>, SQLite's <c>LIKE</c> (which folds ASCII letters only).</summary>
internal static class LikePattern
{
    /// <summary>The escape character of <see cref="Containing"/>'s patterns.</summary>
    public const string Escape = "\\";

    /// <summary>A pattern matching text that contains <paramref name="text"/>, whose own <c>%</c> and <c>_</c> match themselves.</summary>
    public static string Containing(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
