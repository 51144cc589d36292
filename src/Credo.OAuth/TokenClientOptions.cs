namespace Credo.OAuth;

/// <summary>Settings of token requests, bound from <c>Credo:Tokens</c>.</summary>
public sealed class TokenClientOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Tokens";

    /// <summary>How long a token request may take, from sending to the last byte of the answer. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response body accepted. Default 1 MiB; anything larger is refused unread.</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>Lifetime assumed when a response has no <c>expires_in</c> and the token is not a JWT with <c>exp</c>. Default 5 min.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long before expiry a cached token is renewed; at most half the token's lifetime is used. Default 60 s.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First wait after a failed token request; it doubles with each further failure. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between failed token requests, and the cap on a server's <c>Retry-After</c>. Default 5 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);
}
