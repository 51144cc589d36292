using System.Globalization;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Messages;

/// <summary>
/// Searching received messages by subject or sender, regardless of case (on SQLite, of ASCII letters only, as its LIKE).
/// Text of three characters or more has an index: on SQLite an FTS5 table with the trigram tokenizer
/// (received_messages_search), on PostgreSQL a pg_trgm GIN index that ILIKE uses (migration MessageSearchIndex). Shorter
/// text is matched by scanning a listener's mail in recorded order. Both ways find the same mail.
/// </summary>
internal static class MessageSearch
{
    /// <summary>
    /// How many of the newest mails in range a search reads in recorded order before it turns to the index. A word in one
    /// mail of 50 fills a page of 100 here; a rarer one is quicker through the index, whose matches are then few.
    /// </summary>
    public const int ScanFirst = 5000;

    /// <summary>Whether the index can answer <paramref name="text"/>: trigrams need three characters.</summary>
    public static bool CanUseIndex(string text) => new StringInfo(text).LengthInTextElements >= 3;

    /// <summary><paramref name="messages"/> whose subject or sender contains <paramref name="text"/>, read row by row.</summary>
    public static IQueryable<ReceivedMessage> Containing(CredoDbContext db, IQueryable<ReceivedMessage> messages, string text)
    {
        var pattern = LikePattern.Containing(text);
        return db.Database.IsNpgsql()
            ? messages.Where(m => EF.Functions.ILike(m.Subject!, pattern, LikePattern.Escape) || EF.Functions.ILike(m.From!, pattern, LikePattern.Escape))
            : messages.Where(m => EF.Functions.Like(m.Subject, pattern, LikePattern.Escape) || EF.Functions.Like(m.From, pattern, LikePattern.Escape));
    }

    /// <summary>All received messages whose subject or sender contains <paramref name="text"/>, found through the index.</summary>
    public static IQueryable<ReceivedMessage> Indexed(CredoDbContext db, string text)
    {
        if (db.Database.IsNpgsql())
        {
            // The planner takes the trigram index for text it expects to be rare.
            return Containing(db, db.ReceivedMessages, text);
        }

        // A phrase of the trigram tokenizer matches where its text appears as it is, in the index's ASCII lower case;
        // CROSS JOIN keeps SQLite reading the index first and each match's message by its key, rather than a listener's
        // mail in recorded order.
        var phrase = "\"" + AsciiLower(text).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return db.ReceivedMessages.FromSql($"""
            SELECT m.* FROM received_messages_search s
            CROSS JOIN received_messages_search_rows r ON r.RowId = s.rowid
            CROSS JOIN received_messages m ON m.Id = r.MessageId
            WHERE received_messages_search MATCH {phrase}
            """);
    }

    /// <summary>What SQLite's lower() makes of <paramref name="text"/>: ASCII letters in lower case, all else as it is.</summary>
    private static string AsciiLower(string text) =>
        string.Create(text.Length, text, (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + ('a' - 'A')) : source[i];
            }
        });
}
