namespace Credo.Pop3;

/// <summary>Where and as whom a POP3 session signs in.</summary>
/// <param name="Host">The server's host name or IP address (an IPv6 address without brackets).</param>
/// <param name="Port">The TCP port; <see cref="DefaultPort"/> gives the usual one for a <see cref="Pop3Security"/>.</param>
/// <param name="Security">How the connection is protected.</param>
/// <param name="User">The user name sent with the token; for Exchange Online, the mailbox's address.</param>
/// <param name="Sasl">The SASL mechanism that carries the token.</param>
public sealed record Pop3Endpoint(string Host, int Port, Pop3Security Security, string User, Pop3Sasl Sasl)
{
    /// <summary>995 for <see cref="Pop3Security.Tls"/>, 110 for <see cref="Pop3Security.StartTls"/> and <see cref="Pop3Security.None"/>.</summary>
    public static int DefaultPort(Pop3Security security) => security == Pop3Security.Tls ? 995 : 110;

    /// <summary>The host as it stands in a URL: an IPv6 address in brackets.</summary>
    internal string UrlHost => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary><c>host:port</c> (<c>[address]:port</c> for an IPv6 address), without the user.</summary>
    public override string ToString() => $"{UrlHost}:{Port}";
}
