using Credo.Net.Outbound;

namespace Credo.Core.Listeners.Sources.Imap;

/// <summary>Where and how an IMAP listener connects.</summary>
public sealed class ImapSettings
{
    /// <summary>The IMAP server's host name, such as <c>outlook.office365.com</c>.</summary>
    public string? Host { get; set; }

    /// <summary>The port; default 993 (implicit TLS).</summary>
    public int Port { get; set; } = 993;

    /// <summary>How the connection is protected; default <see cref="ImapSecurity.Tls"/>.</summary>
    public ImapSecurity Security { get; set; } = ImapSecurity.Tls;

    /// <summary>The user name to log in as; empty means the listener's mailbox.</summary>
    public string? UserName { get; set; }

    /// <summary>The SASL mechanism; default <see cref="ImapSasl.XOAuth2"/>.</summary>
    public ImapSasl Sasl { get; set; } = ImapSasl.XOAuth2;

    /// <summary>A copy.</summary>
    public ImapSettings Copy() => new() { Host = Host, Port = Port, Security = Security, UserName = UserName, Sasl = Sasl };

    /// <summary>Adds what is wrong to <paramref name="errors"/>, keyed <c>Imap.Host</c>, <c>Imap.Port</c>, ...</summary>
    public void Check(bool allowPlain, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var host = Host?.Trim();
        if (string.IsNullOrEmpty(host) || host.Length > 255 || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            errors["Imap.Host"] = "Enter the IMAP server's host name, for example outlook.office365.com (no scheme, no port).";
        }
        else if (Security == ImapSecurity.None && !allowPlain && !OutboundAddress.IsLoopbackHost(host))
        {
            errors["Imap.Security"] = "Security None would send the token unencrypted; choose Tls or StartTls. (None is allowed only to loopback hosts unless an operator sets Credo:Outbound:AllowHttp=true.)";
        }

        if (!Enum.IsDefined(Security))
        {
            errors["Imap.Security"] = "Choose the security: Tls, StartTls or None (loopback hosts only).";
        }

        if (!Enum.IsDefined(Sasl))
        {
            errors["Imap.Sasl"] = "Choose the SASL mechanism: XOAuth2 or OAuthBearer.";
        }

        if (Port is < 1 or > 65535)
        {
            errors["Imap.Port"] = "Enter a port from 1 to 65535: 993 for Tls, 143 for StartTls.";
        }

        if (UserName?.Trim() is { Length: > 320 } || UserName?.Any(char.IsControl) == true)
        {
            errors["Imap.UserName"] = "The user name is at most 320 characters without control characters; leave it empty to use the mailbox.";
        }
    }

    /// <summary>Trims what was typed; an empty user name is none.</summary>
    public void Normalize()
    {
        Host = Host?.Trim();
        UserName = string.IsNullOrWhiteSpace(UserName) ? null : UserName.Trim();
    }
}
