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
    public IReadOnlyList<ProtocolSetting> Settings { get; } = MailServerSettings.Describe(Id, 995, 110, "STLS");

    /// <inheritdoc />
    public bool HasFolders => false;

    /// <inheritdoc />
    public IReadOnlyList<AfterProcessing> AfterProcessing { get; } = [Listeners.AfterProcessing.Delete, Listeners.AfterProcessing.None];

    /// <inheritdoc />
    public IEnumerable<(string Key, string Message)> Check(ProtocolValues values, bool allowPlain) =>
        ProtocolSettingRules.RefusePlain(this, values, allowPlain) is { } refusal ? [refusal] : [];

    /// <inheritdoc />
    public ServerAddress? Server(ProtocolValues values) => MailServerSettings.Server(values);

    /// <inheritdoc />
    public void Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, Pop3MailSource>());
    }
}
