namespace Credo.OAuth;

/// <summary>
/// Why a token request failed, safe to show: it never holds the response body of a non-OAuth answer,
/// the secret or a token. Texts that come from the server are stripped of control characters and capped.
/// </summary>
public sealed class TokenFailure
{
    internal TokenFailure(TokenFailureKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    /// <summary>The stage that failed.</summary>
    public TokenFailureKind Kind { get; }

    /// <summary>
    /// A stable snake_case name of <see cref="Kind"/> for machine-readable output and metrics: <c>blocked</c>,
    /// <c>name_resolution</c>, <c>connection</c>, <c>tls</c>, <c>timeout</c>, <c>not_oauth_response</c>,
    /// <c>oauth_error</c>, <c>invalid_token_response</c>, <c>secret_source</c>.
    /// </summary>
    public string Stage => Kind switch
    {
        TokenFailureKind.Blocked => "blocked",
        TokenFailureKind.NameResolution => "name_resolution",
        TokenFailureKind.Connection => "connection",
        TokenFailureKind.Tls => "tls",
        TokenFailureKind.Timeout => "timeout",
        TokenFailureKind.NotOAuthResponse => "not_oauth_response",
        TokenFailureKind.OAuthError => "oauth_error",
        TokenFailureKind.InvalidTokenResponse => "invalid_token_response",
        TokenFailureKind.SecretSource => "secret_source",
        _ => throw new InvalidOperationException($"Unknown failure kind {Kind}."),
    };

    /// <summary>What happened, in a sentence that names the endpoint and the stage.</summary>
    public string Message { get; }

    /// <summary>What to try, where Credo can tell (for example the other client authentication method).</summary>
    public string? Hint { get; init; }

    /// <summary>The HTTP status code, when the server answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The response content type, when the server answered.</summary>
    public string? ContentType { get; init; }

    /// <summary>The OAuth <c>error</c> code (RFC 6749 §5.2).</summary>
    public string? Error { get; init; }

    /// <summary>The OAuth <c>error_description</c>.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>The OAuth <c>error_uri</c>.</summary>
    public string? ErrorUri { get; init; }

    /// <summary>How long the server asked Credo to wait (<c>Retry-After</c> on <c>429</c>/<c>503</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// The failure of a token request that was never sent because the client's secret or certificate could not be read
    /// from its secret source; <paramref name="message"/> names the source and the reference, never a value.
    /// </summary>
    public static TokenFailure OfSecretSource(string message, string? hint) => new(TokenFailureKind.SecretSource, message) { Hint = hint };

    /// <summary>Whether the authorization server itself refused (an OAuth error), as opposed to a transport or format failure.</summary>
    public bool IsRemoteRefusal => Kind == TokenFailureKind.OAuthError;

    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}
