namespace Credo.Core.Listeners.Sources;

/// <summary>
/// The settings of a protocol that signs in to a mail server with a bearer token (IMAP, POP3): host, port, security, user
/// name and SASL mechanism, alike but for the ports; and the server they name.
/// </summary>
public static class MailServerSettings
{
    /// <summary>The settings of <paramref name="protocol"/>, whose implicit TLS port is <paramref name="tlsPort"/> and whose <paramref name="startTlsCommand"/> upgrades a connection on <paramref name="startTlsPort"/>.</summary>
    public static IReadOnlyList<ProtocolSetting> Describe(string protocol, int tlsPort, int startTlsPort, string startTlsCommand) =>
    [
        new("host", "Host", SettingKind.Host, $"The {protocol} server's host name, such as outlook.office365.com (no scheme, no port).")
        {
            Required = true, Placeholder = "outlook.office365.com", Locates = true,
        },
        new("port", "Port", SettingKind.Port, $"Empty means {tlsPort} for Tls, {startTlsPort} for StartTls and None.")
        {
            Default = $"{tlsPort}",
            DefaultBy = ("security", new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["StartTls"] = $"{startTlsPort}", ["None"] = $"{startTlsPort}" }),
            Locates = true,
        },
        new("security", "Security", SettingKind.Choice, "How the connection is protected.")
        {
            Default = "Tls",
            Choices = [new("Tls", $"Tls (implicit TLS, port {tlsPort})"), new("StartTls", $"StartTls ({startTlsCommand}, port {startTlsPort})"), new("None", "None (loopback hosts only)")],
        },
        new("userName", "User name", SettingKind.Text, "The user to log in as; empty means the mailbox.")
        {
            Placeholder = "the mailbox", Locates = true, Flag = $"--{protocol.ToLowerInvariant()}-user",
        },
        new("sasl", "SASL mechanism", SettingKind.Choice, "How the token is sent: XOAUTH2 (Exchange Online, Gmail) or OAUTHBEARER (RFC 7628).")
        {
            Default = "XOAuth2", Choices = [new("XOAuth2", "XOAUTH2"), new("OAuthBearer", "OAUTHBEARER")], Flag = "--sasl",
        },
    ];

    /// <summary>The server <paramref name="values"/> name; null while the host or port is missing.</summary>
    public static ServerAddress? Server(ProtocolValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values["host"] is { } host && int.TryParse(values["port"], out var port)
            ? new ServerAddress("host", host, port, string.Equals(values["security"], "None", StringComparison.OrdinalIgnoreCase))
            : null;
    }
}
