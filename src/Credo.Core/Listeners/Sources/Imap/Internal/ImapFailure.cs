namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>An expected failure inside the IMAP source, turned into a <see cref="MailError"/> at its edge.</summary>
internal sealed class ImapFailure(MailErrorKind kind, string message, string? hint = null, TimeSpan? retryAfter = null) : Exception(message)
{
    public MailError Error { get; } = new(kind, message, hint, retryAfter);
}
