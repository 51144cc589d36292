using Credo.Net;

namespace Credo.Core.Listeners.Sources;

/// <summary>
/// A mail source whose server can tell Credo of new mail (Microsoft Graph change notifications). The engine keeps the
/// subscription after each successful poll of the listener, on the node that holds it, and ends it when the listener is
/// switched off, changed or deleted. A notification only makes the listener poll now: the poll stays the source of truth,
/// so a lost notification loses no mail.
/// </summary>
public interface IPushSource
{
    /// <summary>Whether <paramref name="mailbox"/> is to be pushed: its setting says so and Credo has a public address.</summary>
    bool Pushes(MailboxTarget mailbox);

    /// <summary>
    /// Creates (when <paramref name="current"/> is null, or made for another target, which it then ends), renews or
    /// reauthorizes the subscription as needed and returns it with its <see cref="PushSubscription.RenewAt"/>, otherwise
    /// unchanged when nothing was needed; an error when the server refused.
    /// </summary>
    Task<Result<PushSubscription, MailError>> KeepAsync(MailboxTarget mailbox, PushSubscription? current, CancellationToken cancellationToken);

    /// <summary>Ends a subscription; one that is gone already counts as ended.</summary>
    Task<Result<bool, MailError>> EndAsync(MailboxTarget mailbox, string subscriptionId, CancellationToken cancellationToken);
}
