namespace Credo.Pop3;

/// <summary>What kind of failure a POP3 session met, so that a caller can act on it.</summary>
public enum Pop3ErrorKind
{
    /// <summary>
    /// The server asks to come back later: <c>[IN-USE]</c> (another session holds the mailbox), <c>[SYS/TEMP]</c>,
    /// <c>[LOGIN-DELAY]</c>, or a token endpoint that throttles. Wait (<see cref="Pop3Error.RetryAfter"/>, when given) and try again.
    /// </summary>
    Throttled,

    /// <summary>
    /// A connection fault that may pass: refused, reset, timed out, a failed TLS handshake, an answer that is not POP3,
    /// or a token endpoint that cannot be reached. Try again later with a new session.
    /// </summary>
    Connection,

    /// <summary>The server refused the bearer token for the user (<c>AUTH</c> failed, after one renewal of the token).</summary>
    Authentication,

    /// <summary>Anything else: a setting to fix (host, security, Resource Hosts, outbound policy), a server without <c>UIDL</c>, a command the server refused.</summary>
    Permanent,
}
