namespace Credo.OAuth;

/// <summary>
/// An access token from a successful token response (RFC 6749 §5.1). <see cref="ToString"/> never shows
/// the token; read <see cref="Value"/> only to put it in an <c>Authorization</c> header.
/// </summary>
public sealed class AccessToken
{
    /// <summary>Creates a token; <paramref name="value"/> must be non-empty printable ASCII.</summary>
    public AccessToken(string value, DateTimeOffset issuedAt, DateTimeOffset expiresAt, LifetimeSource lifetimeSource, string? grantedScope)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
        LifetimeSource = lifetimeSource;
        GrantedScope = grantedScope;
    }

    /// <summary>The token itself.</summary>
    public string Value { get; }

    /// <summary>Always <c>Bearer</c>: Credo accepts no other token type.</summary>
    public string TokenType { get; } = "Bearer";

    /// <summary>When Credo received the token.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>When the token expires.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The lifetime as issued.</summary>
    public TimeSpan Lifetime => ExpiresAt - IssuedAt;

    /// <summary>Where <see cref="ExpiresAt"/> came from.</summary>
    public LifetimeSource LifetimeSource { get; }

    /// <summary>The <c>scope</c> of the response, when the server sent one (it may be narrower than requested).</summary>
    public string? GrantedScope { get; }

    /// <summary><c>Bearer {token}</c> as a header value, made once and shared by every request (it is immutable).</summary>
    internal System.Net.Http.Headers.AuthenticationHeaderValue AuthorizationHeader => _header ??= new("Bearer", Value);

    private System.Net.Http.Headers.AuthenticationHeaderValue? _header;

    /// <summary>The claims of the token when it is a JWT, without checking its signature; otherwise <see langword="null"/>.</summary>
    public JwtClaims? ReadJwtClaims() => JwtClaims.TryRead(Value);

    /// <summary>Describes the token without revealing it.</summary>
    public override string ToString() => $"Bearer token [redacted], expires {ExpiresAt:O}";
}

/// <summary>Where the lifetime of an access token came from.</summary>
public enum LifetimeSource
{
    /// <summary>The <c>expires_in</c> of the token response.</summary>
    ExpiresIn,

    /// <summary>The <c>exp</c> claim of the JWT access token, as the response had no usable <c>expires_in</c>.</summary>
    JwtExpClaim,

    /// <summary><c>Credo:Tokens:DefaultLifetime</c>, as neither <c>expires_in</c> nor a JWT <c>exp</c> was there.</summary>
    Default,
}
