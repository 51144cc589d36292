using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Listeners.Sources.Imap;
using Credo.OAuth;

namespace Credo.Core.Listeners;

/// <summary>
/// Where a listener sends its credential's token — the EWS URL's, the Graph URL's or the IMAP server's host and port —
/// and whether the credential allows it: the host must be among the credential's Resource Hosts, and a credential for a
/// Microsoft resource serves only the protocols of that resource. Checked when a listener is saved, again before the
/// engine or Test connection asks for a token, and by the HTTP handler that attaches it.
/// </summary>
/// <param name="Field">The setting that names the server (<c>Ews.Url</c>, <c>Graph.Url</c>, <c>Imap.Host</c>).</param>
/// <param name="Label">Its label.</param>
/// <param name="Host">The host.</param>
/// <param name="Port">The port.</param>
public sealed record TokenDestination(string Field, string Label, string Host, int Port)
{
    /// <summary>The hint beside a refusal found when a token is about to be sent (not when saving, where the form says it).</summary>
    public const string RefusedHint =
        "A token goes only to its credential's Resource Hosts: this listener was saved before that rule, or its credential changed since. Correct the listener's server, or widen the credential's Resource Hosts.";

    /// <summary>Where a listener of <paramref name="protocol"/> with these settings sends its token; null when the settings name no server yet.</summary>
    public static TokenDestination? Of(MailProtocol protocol, EwsSettings ews, GraphSettings graph, ImapSettings imap)
    {
        ArgumentNullException.ThrowIfNull(ews);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(imap);
        return protocol switch
        {
            MailProtocol.EWS => Url("Ews.Url", "EWS URL", ews.Url ?? EwsSettings.DefaultUrl),
            MailProtocol.Graph => Url("Graph.Url", "Graph URL", graph.Url ?? GraphSettings.DefaultUrl),
            MailProtocol.IMAP when !string.IsNullOrWhiteSpace(imap.Host) => new("Imap.Host", "IMAP host", imap.Host.Trim(), imap.Port),
            _ => null,
        };
    }

    /// <summary>Where <paramref name="listener"/> sends its token.</summary>
    public static TokenDestination? Of(EmailListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return Of(listener.Protocol, listener.Ews, listener.Graph, listener.Imap);
    }

    /// <summary>
    /// Why <paramref name="credential"/>'s token may not go where a listener of <paramref name="protocol"/> at this
    /// destination sends it, as (field, message); null when it may.
    /// </summary>
    public static (string Field, string Message)? Refuse(MailProtocol protocol, TokenDestination? destination, Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (protocol == MailProtocol.Graph ? CredentialResources.IsExchangeOnly(credential.Scopes) : CredentialResources.IsGraphOnly(credential.Scopes))
        {
            var wanted = protocol == MailProtocol.Graph ? "https://graph.microsoft.com/.default" : "https://outlook.office365.com/.default";
            return ("CredentialId",
                $"The credential \"{credential.Name}\" asks for tokens of another resource (scope {credential.Scopes}), which a {protocol} server must not receive. Choose a credential whose scope is {wanted}.");
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

    private static TokenDestination? Url(string field, string label, string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? new(field, label, uri.IdnHost, uri.Port) : null;
}
