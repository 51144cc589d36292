namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>Where and as whom a listener logs in; a pooled session serves a listener only while this is unchanged.</summary>
internal sealed record ImapEndpoint(string Host, int Port, ImapSecurity Security, string User, ImapSasl Sasl, Guid CredentialId)
{
    public static ImapEndpoint Of(MailboxTarget mailbox)
    {
        var imap = mailbox.Settings;
        return new(imap.Text("host"), imap.Number("port"), imap.Choice<ImapSecurity>("security"), imap["userName"] ?? mailbox.Mailbox, imap.Choice<ImapSasl>("sasl"), mailbox.CredentialId);
    }

    public override string ToString() => $"{Host}:{Port}";
}
