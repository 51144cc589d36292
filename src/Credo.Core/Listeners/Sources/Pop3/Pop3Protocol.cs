using Credo.Pop3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credo.Core.Listeners.Sources.Pop3;

/// <summary>
/// POP3 with an OAuth 2.0 bearer token (XOAUTH2 or OAUTHBEARER): Exchange Online and any server that takes one. POP3 has
/// one folder and no flags: a listener reads the Inbox, and after processing deletes the mail or leaves it.
/// </summary>
public sealed class Pop3Protocol : IMailProtocol
{
    /// <summary>The protocol's name.</summary>
    public const string Id = "POP3";

    /// <inheritdoc />
    public string Name => Id;

    /// <inheritdoc />
    public string Label => "POP3";

    /// <inheritdoc />
    public MicrosoftResource Resource => MicrosoftResource.Exchange;

    /// <inheritdoc />
    public IReadOnlyList<ProtocolSetting> Settings { get; } =
    [
        new("host", "Host", SettingKind.Host, "The POP3 server's host name, such as outlook.office365.com (no scheme, no port).")
        {
            Required = true, Placeholder = "outlook.office365.com", Locates = true,
        },
        new("port", "Port", SettingKind.Port, "995 for Tls, 110 for StartTls.") { Default = "995", Locates = true },
        new("security", "Security", SettingKind.Choice, "How the connection is protected.")
        {
            Default = nameof(Pop3Security.Tls),
            Choices = [new(nameof(Pop3Security.Tls), "Tls (implicit TLS, port 995)"), new(nameof(Pop3Security.StartTls), "StartTls (STLS, port 110)"), new(nameof(Pop3Security.None), "None (loopback hosts only)")],
        },
        new("userName", "User name", SettingKind.Text, "The user to log in as; empty means the mailbox.") { Placeholder = "the mailbox", Locates = true, Flag = "--pop3-user" },
        new("sasl", "SASL mechanism", SettingKind.Choice, "How the token is sent: XOAUTH2 (Exchange Online) or OAUTHBEARER (RFC 7628).")
        {
            Default = nameof(Pop3Sasl.XOAuth2), Choices = [new(nameof(Pop3Sasl.XOAuth2), "XOAUTH2"), new(nameof(Pop3Sasl.OAuthBearer), "OAUTHBEARER")], Flag = "--sasl",
        },
    ];

    /// <inheritdoc />
    public bool HasFolders => false;

    /// <inheritdoc />
    public IReadOnlyList<AfterProcessing> AfterProcessing { get; } = [Listeners.AfterProcessing.Delete, Listeners.AfterProcessing.None];

    /// <inheritdoc />
    public IEnumerable<(string Key, string Message)> Check(ProtocolValues values, bool allowPlain) =>
        ProtocolSettingRules.RefusePlain(this, values, allowPlain) is { } refusal ? [refusal] : [];

    /// <inheritdoc />
    public ServerAddress? Server(ProtocolValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values["host"] is { } host && int.TryParse(values["port"], out var port)
            ? new ServerAddress("host", host, port, string.Equals(values["security"], nameof(Pop3Security.None), StringComparison.OrdinalIgnoreCase))
            : null;
    }

    /// <inheritdoc />
    public void Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, Pop3MailSource>());
    }
}
