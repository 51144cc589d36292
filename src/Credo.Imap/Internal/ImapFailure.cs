namespace Credo.Imap.Internal;

/// <summary>An expected failure inside a session, turned into its <see cref="ImapError"/> at the edge of the pool or watcher.</summary>
internal sealed class ImapFailure(ImapError error) : Exception(error.Message)
{
    public ImapFailure(ImapErrorKind kind, string message, string? hint = null, TimeSpan? retryAfter = null)
        : this(new ImapError(kind, message, hint, retryAfter))
    {
    }

    public ImapError Error { get; } = error;
}
