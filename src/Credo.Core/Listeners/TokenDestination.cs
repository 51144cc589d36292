using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;

namespace Credo.Core.Listeners;

/// <summary>
/// Where a listener sends its credential's token — the host and port of the server its protocol's settings name —
/// and whether the credential allows it: the host must be among the credential's Resource Hosts, and a credential for a
/// Microsoft resource serves only the protocols of that resource. Checked when a listener is saved, again before the
/// engine or Test connection asks for a token, and by the HTTP handler that attaches it.
/// </summary>
/// <param name="Field">The setting that names the server (<c>ews.url</c>, <c>graph.url</c>, <c>imap.host</c>).</param>
/// <param name="Label">Its label.</param>
/// <param name="Host">The host.</param>
/// <param name="Port">The port.</param>
public sealed record TokenDestination(string Field, string Label, string Host, int Port)
{
    /// <summary>The hint beside a refusal found when a token is about to be sent (not when saving, where the form says it).</summary>
    public const string RefusedHint =
        "A token goes only to its credential's Resource Hosts: this listener was saved before that rule, or its credential changed since. Correct the listener's server, or widen the credential's Resource Hosts.";

    /// <summary>Where a listener of <paramref name="protocol"/> with <paramref name="settings"/> sends its token; null when the settings name no server yet.</summary>
    public static TokenDestination? Of(IMailProtocol? protocol, ListenerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (protocol is null || protocol.Server(settings.For(protocol)) is not { } server)
        {
            return null;
        }

        var setting = protocol.Settings.First(s => s.Key == server.Key);
        return new(ProtocolSettingRules.Field(protocol, server.Key), setting.Label, server.Host, server.Port);
    }

    /// <summary>Where <paramref name="listener"/> sends its token.</summary>
    public static TokenDestination? Of(EmailListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return Of(MailProtocols.Find(listener.Protocol), listener.Settings);
    }

    /// <summary>
    /// Why <paramref name="credential"/>'s token may not go where a listener of <paramref name="protocol"/> at this
    /// destination sends it, as (field, message); null when it may.
    /// </summary>
    public static (string Field, string Message)? Refuse(IMailProtocol? protocol, TokenDestination? destination, Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (protocol is not null && (protocol.Resource == MicrosoftResource.Graph ? CredentialResources.IsExchangeOnly(credential.Scopes) : CredentialResources.IsGraphOnly(credential.Scopes)))
        {
            return ("CredentialId",
                $"The credential \"{credential.Name}\" asks for tokens of another resource (scope {credential.Scopes}), which a {protocol.Name} server must not receive. Choose a credential whose scope is {ListenerRules.ExchangeOnlineScope(protocol.Resource)}.");
        }

        if (destination is null)
        {
            return null;
        }

        var hosts = CredentialResources.HostsOf(credential);
        if (hosts.Allows(destination.Host, destination.Port))
        {
            return null;
        }

        var allowed = hosts.IsEmpty
            ? "no host: its scopes name none, so its Resource Hosts must be listed"
            : $"{hosts} (its Resource Hosts{(hosts.Derived ? ", from its scopes" : "")})";
        return (destination.Field,
            $"The credential \"{credential.Name}\" sends its tokens only to {allowed}; the {destination.Label}'s host {destination.Host}:{destination.Port} is not among them. Use one of those hosts, or add {destination.Host} to the credential's Resource Hosts (which needs its secret or certificate typed again).");
    }

}
