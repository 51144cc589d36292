namespace Credo.OAuth;

/// <summary>The refusal of a token's destination outside its credential's <see cref="ResourceHosts"/>, worded once for every client.</summary>
public static class ResourceHostRule
{
    /// <summary>Why a token may not go to <paramref name="destination"/> under <paramref name="hosts"/>, or null when it may (or there is no rule).</summary>
    public static TokenFailure? Refuse(ResourceHosts? hosts, Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Refuse(hosts, destination.IdnHost, destination.Port);
    }

    /// <summary>Why a token may not go to <paramref name="host"/>:<paramref name="port"/> under <paramref name="hosts"/>, or null when it may.</summary>
    public static TokenFailure? Refuse(ResourceHosts? hosts, string host, int port) =>
        hosts is null || hosts.Allows(host, port)
            ? null
            : new TokenFailure(TokenFailureKind.Blocked, $"Credo did not send the credential's token to {host}:{port}: that host is not among its Resource Hosts ({hosts}).")
            {
                Hint = "A token goes only to the credential's Resource Hosts. If this server is the right one, add it to the credential's Resource Hosts (which needs its secret or certificate again); otherwise correct the listener's address.",
            };
}
