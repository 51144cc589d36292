namespace Credo.Pop3;

/// <summary>
/// An expected POP3 failure, safe to show and log: it names the server (<c>host:port</c>) and, where it matters, the user,
/// and never carries a token or mail content. Texts from the server are stripped of control characters and capped.
/// </summary>
/// <param name="Kind">What kind of failure, to decide whether to wait, retry or stop.</param>
/// <param name="Message">What happened and where.</param>
/// <param name="Hint">What to do about it, where that can be told.</param>
/// <param name="RetryAfter">How long the server or the token endpoint asked to wait, when it said.</param>
public sealed record Pop3Error(Pop3ErrorKind Kind, string Message, string? Hint = null, TimeSpan? RetryAfter = null)
{
    /// <summary>Whether trying again later may succeed without a change of settings.</summary>
    public bool IsTransient => Kind is Pop3ErrorKind.Throttled or Pop3ErrorKind.Connection;

    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}
