using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credo.Core.Listeners.Sources.Imap;

/// <summary>IMAP with an OAuth 2.0 bearer token (XOAUTH2 or OAUTHBEARER): Exchange Online and any server that takes one.</summary>
public sealed class ImapProtocol : IMailProtocol
{
    /// <summary>The protocol's name.</summary>
    public const string Id = "IMAP";

    /// <inheritdoc />
    public string Name => Id;

    /// <inheritdoc />
    public string Label => "IMAP";

    /// <inheritdoc />
    public MicrosoftResource Resource => MicrosoftResource.Exchange;

    /// <inheritdoc />
    public IReadOnlyList<ProtocolSetting> Settings { get; } =
    [
        new("host", "Host", SettingKind.Host, "The IMAP server's host name, such as outlook.office365.com (no scheme, no port).")
        {
            Required = true, Placeholder = "outlook.office365.com", Locates = true,
        },
        new("port", "Port", SettingKind.Port, "993 for Tls, 143 for StartTls.") { Default = "993", Locates = true },
        new("security", "Security", SettingKind.Choice, "How the connection is protected.")
        {
            Default = nameof(ImapSecurity.Tls),
            Choices = [new(nameof(ImapSecurity.Tls), "Tls (implicit TLS, port 993)"), new(nameof(ImapSecurity.StartTls), "StartTls (port 143)"), new(nameof(ImapSecurity.None), "None (loopback hosts only)")],
        },
        new("userName", "User name", SettingKind.Text, "The user to log in as; empty means the mailbox.") { Placeholder = "the mailbox", Locates = true, Flag = "--imap-user" },
        new("sasl", "SASL mechanism", SettingKind.Choice, "How the token is sent: XOAUTH2 (Exchange Online, Gmail) or OAUTHBEARER (RFC 7628).")
        {
            Default = nameof(ImapSasl.XOAuth2), Choices = [new(nameof(ImapSasl.XOAuth2), "XOAUTH2"), new(nameof(ImapSasl.OAuthBearer), "OAUTHBEARER")], Flag = "--sasl",
        },
    ];

    /// <inheritdoc />
    public IEnumerable<(string Key, string Message)> Check(ProtocolValues values, bool allowPlain) =>
        ProtocolSettingRules.RefusePlain(this, values, allowPlain) is { } refusal ? [refusal] : [];

    /// <inheritdoc />
    public ServerAddress? Server(ProtocolValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values["host"] is { } host && int.TryParse(values["port"], out var port)
            ? new ServerAddress("host", host, port, string.Equals(values["security"], nameof(ImapSecurity.None), StringComparison.OrdinalIgnoreCase))
            : null;
    }

    /// <inheritdoc />
    public void Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, ImapMailSource>());
    }
}
