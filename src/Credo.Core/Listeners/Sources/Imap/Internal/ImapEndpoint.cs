namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>Where and as whom a listener logs in; a pooled session serves a listener only while this is unchanged.</summary>
internal sealed record ImapEndpoint(string Host, int Port, ImapSecurity Security, string User, ImapSasl Sasl, Guid CredentialId)
{
    public static ImapEndpoint Of(EmailListener listener)
    {
        var imap = listener.Imap;
        return new(imap.Host?.Trim() ?? "", imap.Port, imap.Security, string.IsNullOrWhiteSpace(imap.UserName) ? listener.Mailbox : imap.UserName.Trim(), imap.Sasl, listener.CredentialId);
    }

    public override string ToString() => $"{Host}:{Port}";
}
