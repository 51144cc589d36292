using Credo.Net;

namespace Credo.OAuth;

/// <summary>An <see cref="IAccessTokenSource"/> for one stored credential, served by an <see cref="ITokenCache"/>.</summary>
public sealed class CachedAccessTokenSource : IAccessTokenSource
{
    private readonly ITokenCache _cache;
    private readonly TokenCacheKey _key;
    private readonly ClientCredentials _credentials;
    private readonly ResourceHosts? _hosts;
    private Internal.TokenCacheEntry? _entry;

    /// <summary>
    /// Creates the source for <paramref name="credentials"/> stored as <paramref name="credentialId"/> at
    /// <paramref name="version"/>; with <paramref name="hosts"/>, its tokens go only to those hosts.
    /// </summary>
    public CachedAccessTokenSource(ITokenCache cache, string credentialId, long version, ClientCredentials credentials, ResourceHosts? hosts = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _credentials = credentials;
        _hosts = hosts;
        _key = TokenCacheKey.For(credentialId, version, credentials);
    }

    /// <summary>The hosts this source's tokens may go to; null when it has no such rule.</summary>
    public ResourceHosts? Hosts => _hosts;

    /// <inheritdoc />
    /// <remarks>With Credo's own cache the source keeps its cache entry, so a hit needs no dictionary lookup.</remarks>
    public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken)
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

    /// <inheritdoc />
    public TokenFailure? RefuseDestination(Uri destination) => ResourceHostRule.Refuse(_hosts, destination);
}
