using Credo.Core.Listeners.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credo.Core.Listeners.Sources.Ews;

/// <summary>Exchange Web Services: Exchange Server on premises, and Exchange Online while it allows EWS.</summary>
public sealed class EwsProtocol : IMailProtocol
{
    /// <summary>Exchange Online's EWS endpoint.</summary>
    public const string DefaultUrl = "https://outlook.office365.com/EWS/Exchange.asmx";

    /// <summary>The protocol's name.</summary>
    public const string Id = "EWS";

    /// <inheritdoc />
    public string Name => Id;

    /// <inheritdoc />
    public string Label => "EWS";

    /// <inheritdoc />
    public MicrosoftResource Resource => MicrosoftResource.Exchange;

    /// <inheritdoc />
    public IReadOnlyList<ProtocolSetting> Settings { get; } =
    [
        new("url", "EWS URL", SettingKind.Url, "Exchange Online's is https://outlook.office365.com/EWS/Exchange.asmx; Exchange Server's is https://SERVER/EWS/Exchange.asmx.")
        {
            Default = DefaultUrl, Required = true, Locates = true,
        },
    ];

    /// <inheritdoc />
    public ServerAddress? Server(ProtocolValues values) => ServerAddress.OfUrl(values, "url");

    /// <inheritdoc />
    public void Register(IServiceCollection services)
    {
        services.AddCredoEws();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, EwsMailSource>());
    }
}
