using Credo.OAuth;

namespace Credo.Core.Listeners.Sources;

/// <summary>
/// What a mail source reads and how, as the engine hands it over: the mailbox and folder, the protocol's settings, the
/// filter a server can apply, what to do with a mail once recorded, and the credential's tokens. Never the listener's
/// stored entity: a source knows no lease, sync state or other protocol's settings.
/// </summary>
/// <param name="ListenerId">The listener, for what a source keeps per listener (a pooled connection).</param>
/// <param name="Name">The listener's name, for the source's log lines.</param>
/// <param name="Version">The listener's version: what a source keeps is dropped when it changes.</param>
/// <param name="Mailbox">SMTP address (or user principal name) of the mailbox.</param>
/// <param name="Folder">The folder: a well-known name or a path such as <c>Inbox/Invoices</c>.</param>
/// <param name="Settings">The protocol's settings.</param>
/// <param name="UnreadOnly">Whether only unread mail is wanted (a server that can search skips the rest).</param>
/// <param name="AfterProcessing">What to do with a mail once recorded.</param>
/// <param name="MoveToFolder">The target of <see cref="Listeners.AfterProcessing.Move"/>.</param>
/// <param name="CredentialId">The credential whose tokens <paramref name="Tokens"/> gives (a connection logged in with another is not reused).</param>
/// <param name="Tokens">Tokens of the credential, which go only to its Resource Hosts.</param>
public sealed record MailboxTarget(
    Guid ListenerId,
    string Name,
    long Version,
    string Mailbox,
    string Folder,
    ProtocolValues Settings,
    bool UnreadOnly,
    AfterProcessing AfterProcessing,
    string? MoveToFolder,
    Guid CredentialId,
    IAccessTokenSource Tokens)
{
    /// <summary>The target of <paramref name="listener"/>, whose protocol is <paramref name="protocol"/>, with <paramref name="tokens"/>.</summary>
    public static MailboxTarget Of(EmailListener listener, IMailProtocol protocol, IAccessTokenSource tokens)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return new(listener.Id, listener.Name, listener.Version, listener.Mailbox, listener.Folder, listener.Settings.For(protocol), listener.UnreadOnly,
            listener.AfterProcessing, listener.MoveToFolder, listener.CredentialId, tokens);
    }
}
