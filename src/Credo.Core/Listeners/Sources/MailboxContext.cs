using Credo.OAuth;

namespace Credo.Core.Listeners.Sources;

/// <summary>A listener's mailbox and the token source of its credential.</summary>
/// <param name="Listener">The listener, with its protocol settings.</param>
/// <param name="Tokens">Tokens of its credential.</param>
public sealed record MailboxContext(EmailListener Listener, IAccessTokenSource Tokens);
