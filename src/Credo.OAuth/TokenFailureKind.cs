namespace Credo.OAuth;

/// <summary>The stage at which a token request failed.</summary>
public enum TokenFailureKind
{
    /// <summary>The outbound policy refused the destination (link-local, metadata, blocked network, not an allowed host, http to a non-loopback address). Nothing was sent.</summary>
    Blocked,

    /// <summary>The host name could not be resolved.</summary>
    NameResolution,

    /// <summary>No connection could be made, or it broke (refused, reset, unreachable).</summary>
    Connection,

    /// <summary>The TLS handshake failed (certificate, protocol).</summary>
    Tls,

    /// <summary>No complete answer within the timeout.</summary>
    Timeout,

    /// <summary>The server answered with something that is not an OAuth response (HTML, empty, not JSON, too large); described by status code and content type only.</summary>
    NotOAuthResponse,

    /// <summary>The server answered an OAuth error (RFC 6749 §5.2): <c>invalid_client</c>, <c>invalid_scope</c>, ...</summary>
    OAuthError,

    /// <summary>A successful response that Credo cannot use: no <c>access_token</c>, a token type other than Bearer, an unusable token.</summary>
    InvalidTokenResponse,

    /// <summary>The client secret or certificate could not be read from its secret source (a vault, an environment variable, a file). Nothing was sent.</summary>
    SecretSource,
}
