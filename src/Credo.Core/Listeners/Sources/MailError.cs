namespace Credo.Core.Listeners.Sources;

/// <summary>How a mail source call failed.</summary>
public enum MailErrorKind
{
    /// <summary>The server asks to slow down (EWS busy, HTTP 429/503, IMAP <c>[LIMIT]</c>): wait <see cref="MailError.RetryAfter"/> and try that request again.</summary>
    Throttled,

    /// <summary>Outage, timeout, network: try that request again after a back-off.</summary>
    Transient,

    /// <summary>The sync state is no longer valid: start again without one.</summary>
    InvalidSyncState,

    /// <summary>Anything else: the configuration or permissions need attention.</summary>
    Permanent,
}

/// <summary>A mail source failure with a readable reason and a hint; it never carries a token or mail content.</summary>
/// <param name="Kind">What kind of failure.</param>
/// <param name="Message">What happened.</param>
/// <param name="Hint">What to do about it, where the source can tell.</param>
/// <param name="RetryAfter">How long the server asked to wait, if it said.</param>
/// <param name="Details">The server's own words, where <paramref name="Message"/> says in plain words what they mean.</param>
public sealed record MailError(MailErrorKind Kind, string Message, string? Hint = null, TimeSpan? RetryAfter = null, string? Details = null)
{
    /// <summary>Whether trying the same request again later may succeed.</summary>
    public bool IsRetryable => Kind is MailErrorKind.Throttled or MailErrorKind.Transient;

    /// <summary>
    /// The error of a mail client's failure (IMAP, POP3): <see cref="MailErrorKind.Throttled"/> when the server asked to
    /// wait, <see cref="MailErrorKind.Transient"/> when it may pass, else <see cref="MailErrorKind.Permanent"/>.
    /// </summary>
    internal static MailError OfClient(bool throttled, bool passing, string message, string? hint, TimeSpan? retryAfter) =>
        new(throttled ? MailErrorKind.Throttled : passing ? MailErrorKind.Transient : MailErrorKind.Permanent, message, hint, retryAfter);
}
