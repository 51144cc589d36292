namespace Credo.Imap;

/// <summary>What kind of failure an IMAP call met, so that a caller can act on it.</summary>
public enum ImapErrorKind
{
    /// <summary>
    /// The server asks to come back later (<c>[LIMIT]</c>, <c>[UNAVAILABLE]</c>, <c>[INUSE]</c>), or the token endpoint
    /// throttles. Wait (<see cref="ImapError.RetryAfter"/>, when given) and try again.
    /// </summary>
    Throttled,

    /// <summary>
    /// A fault that may pass: a connection refused, reset or timed out, an answer that is not IMAP, a server that did not
    /// answer in time, a token endpoint that cannot be reached. Try again later on a new connection.
    /// </summary>
    Connection,

    /// <summary>Anything else: a setting to fix (host, security, folder, Resource Hosts, outbound policy), a refused token or command.</summary>
    Permanent,
}
