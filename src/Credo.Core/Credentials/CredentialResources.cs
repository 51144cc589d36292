using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>
/// What a credential's tokens are for and where they may go: its effective <see cref="ResourceHosts"/> (listed, or derived
/// from the scopes), and the Microsoft resource its scopes name, if any — a Microsoft Graph token must not go to an
/// Exchange server, nor an Exchange token to Graph.
/// </summary>
public static class CredentialResources
{
    /// <summary>Microsoft Graph, in every cloud.</summary>
    public static readonly IReadOnlySet<string> GraphHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn", "graph.microsoft.de",
    };

    /// <summary>Exchange Online (EWS, IMAP and POP3), in every cloud.</summary>
    public static readonly IReadOnlySet<string> ExchangeHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "outlook.office365.com", "outlook.office.com", "outlook.office365.us", "outlook-dod.office365.us", "partner.outlook.cn", "outlook.office.de",
    };

    /// <summary>The hosts <paramref name="credential"/>'s tokens may be sent to.</summary>
    public static ResourceHosts HostsOf(Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return ResourceHosts.Of(credential.ResourceHosts, ScopeSet.Parse(credential.Scopes));
    }

    /// <summary>Resource Hosts as pages, the CLI and the audit log write them: "outlook.office365.com (from the scopes)".</summary>
    public static string Describe(ResourceHosts hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return hosts.Derived ? $"{hosts} (from the scopes)" : hosts.ToString();
    }

    /// <summary>Whether the scopes ask for Microsoft Graph tokens only (no Exchange scope beside).</summary>
    public static bool IsGraphOnly(string scopes) => Names(scopes, GraphHosts) && !Names(scopes, ExchangeHosts);

    /// <summary>Whether the scopes ask for Exchange Online tokens only (no Graph scope beside).</summary>
    public static bool IsExchangeOnly(string scopes) => Names(scopes, ExchangeHosts) && !Names(scopes, GraphHosts);

    private static bool Names(string scopes, IReadOnlySet<string> hosts) =>
        ScopeSet.TryParse(scopes, out var set, out _) && ResourceHosts.FromScopes(set).Value.Split(' ').Any(hosts.Contains);
}
