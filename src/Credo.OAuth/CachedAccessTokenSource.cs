namespace Credo.OAuth;

/// <summary>An <see cref="IAccessTokenSource"/> for one stored credential, served by an <see cref="ITokenCache"/>.</summary>
public sealed class CachedAccessTokenSource : IAccessTokenSource
{
    private readonly ITokenCache _cache;
    private readonly TokenCacheKey _key;
    private readonly ClientCredentials _credentials;
    private Internal.TokenCacheEntry? _entry;

    /// <summary>Creates the source for <paramref name="credentials"/> stored as <paramref name="credentialId"/> at <paramref name="version"/>.</summary>
    public CachedAccessTokenSource(ITokenCache cache, string credentialId, long version, ClientCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _credentials = credentials;
        _key = TokenCacheKey.For(credentialId, version, credentials);
    }

    /// <inheritdoc />
    /// <remarks>With Credo's own cache the source keeps its cache entry, so a hit needs no dictionary lookup.</remarks>
    public ValueTask<TokenResult> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_entry is { Removed: false } entry)
        {
            return entry.GetAsync(_credentials, cancellationToken);
        }

        if (_cache is Internal.TokenCache cache)
        {
            _entry = entry = cache.EntryFor(_key);
            return entry.GetAsync(_credentials, cancellationToken);
        }

        return _cache.GetTokenAsync(_key, _credentials, cancellationToken);
    }

    /// <inheritdoc />
    public void Reject(AccessToken token) => _cache.Reject(_key, token);
}
