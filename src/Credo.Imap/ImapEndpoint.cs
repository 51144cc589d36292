namespace Credo.Imap;

/// <summary>Where and as whom an IMAP session logs in; a pooled session serves only while this is unchanged.</summary>
/// <param name="Host">The server's host name or IP address (an IPv6 address without brackets).</param>
/// <param name="Port">The TCP port: 993 for <see cref="ImapSecurity.Tls"/>, 143 for the others.</param>
/// <param name="Security">How the connection is protected.</param>
/// <param name="User">The user name sent with the token; for Exchange Online, the mailbox's address.</param>
/// <param name="Sasl">The SASL mechanism that carries the token.</param>
public sealed record ImapEndpoint(string Host, int Port, ImapSecurity Security, string User, ImapSasl Sasl)
{
    /// <summary>The host as it stands in a URL: an IPv6 address in brackets.</summary>
    internal string UrlHost => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary><c>host:port</c> (<c>[address]:port</c> for an IPv6 address), without the user.</summary>
    public override string ToString() => $"{UrlHost}:{Port}";
}
