namespace Credo.Core.Messages;

/// <summary>Which of a listener's received messages to read: a page, after a cursor, matching a search and dates.</summary>
public sealed class MessageQuery
{
    /// <summary>Text the subject or the sender contains, regardless of case; empty for all.</summary>
    public string? Search { get; init; }

    /// <summary>Only mail recorded at or after this.</summary>
    public DateTimeOffset? RecordedFrom { get; init; }

    /// <summary>Only mail recorded before this.</summary>
    public DateTimeOffset? RecordedBefore { get; init; }

    /// <summary>The cursor: the id of the last message of the page before (its <see cref="MessagePage.Next"/>).</summary>
    public Guid? Before { get; init; }

    /// <summary>A page that starts at this message (a link to one mail, from its delivery); ignored with <see cref="Before"/>.</summary>
    public Guid? At { get; init; }

    /// <summary>How many, at most <see cref="MessageService.MaxPage"/>.</summary>
    public int Take { get; init; } = 100;
}

/// <summary>A page of received messages (without their MIME), newest first.</summary>
/// <param name="Messages">The page.</param>
/// <param name="Next">The cursor of the next, older page; null on the last page.</param>
/// <param name="CursorGone">The cursor names a message that no longer exists (retention removed it): start again from the newest.</param>
public sealed record MessagePage(IReadOnlyList<ReceivedMessage> Messages, Guid? Next, bool CursorGone);
