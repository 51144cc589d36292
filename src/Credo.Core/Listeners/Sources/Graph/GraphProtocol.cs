using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credo.Core.Listeners.Sources.Graph;

/// <summary>Microsoft Graph: Exchange Online's mail API.</summary>
public sealed class GraphProtocol : IMailProtocol
{
    /// <summary>Microsoft Graph's endpoint.</summary>
    public const string DefaultUrl = "https://graph.microsoft.com/v1.0";

    /// <summary>The protocol's name.</summary>
    public const string Id = "Graph";

    /// <inheritdoc />
    public string Name => Id;

    /// <inheritdoc />
    public string Label => "Microsoft Graph";

    /// <inheritdoc />
    public MicrosoftResource Resource => MicrosoftResource.Graph;

    /// <inheritdoc />
    public IReadOnlyList<ProtocolSetting> Settings { get; } =
    [
        new("url", "Graph URL", SettingKind.Url, "Microsoft Graph is https://graph.microsoft.com/v1.0 (national clouds have their own).")
        {
            Default = DefaultUrl, Required = true, Locates = true,
        },
        new(PushKey, "Push", SettingKind.Switch, "Graph tells Credo of new mail within seconds (needs Credo:PublicUrl); the poll interval is then only a safety net. Off: polls only.")
        {
            Default = "true", Flag = "--push",
        },
    ];

    /// <summary>The key of the push setting.</summary>
    public const string PushKey = "push";

    /// <inheritdoc />
    public ServerAddress? Server(ProtocolValues values) => ServerAddress.OfUrl(values, "url");

    /// <inheritdoc />
    public bool Pushes(ProtocolValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return !string.Equals(values[PushKey], "false", StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public void Register(IServiceCollection services)
    {
        services.AddCredoGraph();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, GraphMailSource>());
    }
}
