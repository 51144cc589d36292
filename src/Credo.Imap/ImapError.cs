namespace Credo.Imap;

/// <summary>
/// An expected IMAP failure, safe to show and log: it names the server (<c>host:port</c>) and, where it matters, the user
/// and folder, and never carries a token or mail content. Texts from the server are stripped of control characters and capped.
/// </summary>
/// <param name="Kind">What kind of failure, to decide whether to wait, retry or stop.</param>
/// <param name="Message">What happened and where.</param>
/// <param name="Hint">What to do about it, where that can be told.</param>
/// <param name="RetryAfter">How long the token endpoint asked to wait, when it said.</param>
public sealed record ImapError(ImapErrorKind Kind, string Message, string? Hint = null, TimeSpan? RetryAfter = null)
{
    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}
