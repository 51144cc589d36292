namespace Credo.OAuth;

/// <summary>An <see cref="IAccessTokenSource"/> for one stored credential, served by an <see cref="ITokenCache"/>.</summary>
public sealed class CachedAccessTokenSource : IAccessTokenSource
{
    private readonly ITokenCache _cache;
    private readonly TokenCacheKey _key;
    private readonly ClientCredentials _credentials;

    /// <summary>Creates the source for <paramref name="credentials"/> stored as <paramref name="credentialId"/> at <paramref name="version"/>.</summary>
    public CachedAccessTokenSource(ITokenCache cache, string credentialId, long version, ClientCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _credentials = credentials;
        _key = TokenCacheKey.For(credentialId, version, credentials);
    }

    /// <inheritdoc />
    public ValueTask<TokenResult> GetTokenAsync(CancellationToken cancellationToken) =>
        _cache.GetTokenAsync(_key, _credentials, cancellationToken);

    /// <inheritdoc />
    public void Reject(AccessToken token) => _cache.Reject(_key, token);
}
