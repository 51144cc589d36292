using Credo.Imap;
using Microsoft.Extensions.Configuration;
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
    public IReadOnlyList<ProtocolSetting> Settings { get; } = MailServerSettings.Describe(Id, 993, 143, "STARTTLS");

    /// <inheritdoc />
    public IEnumerable<(string Key, string Message)> Check(ProtocolValues values, bool allowPlain) =>
        ProtocolSettingRules.RefusePlain(this, values, allowPlain) is { } refusal ? [refusal] : [];

    /// <inheritdoc />
    public ServerAddress? Server(ProtocolValues values) => MailServerSettings.Server(values);

    /// <inheritdoc />
    public void Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMailSource, ImapMailSource>());

        // Credo:Imap (README, "Settings"), read wherever a configuration is registered; the protocol's own section.
        services.AddOptions<ImapOptions>()
            .Configure<IServiceProvider>((options, provider) => provider.GetService<IConfiguration>()?.GetSection(ImapOptions.SectionName).Bind(options))
            .Validate(o => o.MaxIdleConnections >= 0, "Credo:Imap:MaxIdleConnections must be 0 (IDLE off) or more.")
            .Validate(o => o.IdleRestart > TimeSpan.Zero && o.IdleRestart <= ImapOptions.MaxIdleRestart, "Credo:Imap:IdleRestart must be more than 0 and at most 29 minutes (RFC 2177).")
            .Validate(o => o.PooledConnectionIdleTimeout > TimeSpan.Zero && o.ConnectTimeout > TimeSpan.Zero && o.CommandTimeout > TimeSpan.Zero, "Credo:Imap's timeouts must be more than 0.")
            .ValidateOnStart();
    }
}
