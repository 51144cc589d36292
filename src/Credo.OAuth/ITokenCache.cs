using Credo.Net;

namespace Credo.OAuth;

/// <summary>
/// Caches access tokens per <see cref="TokenCacheKey"/> and renews them ahead of expiry (README, "Architecture"):
/// never more than one token request in flight per key, failures never cached as tokens.
/// </summary>
public interface ITokenCache
{
    /// <summary>
    /// A token for <paramref name="key"/>: from the cache while it is fresh (completing synchronously,
    /// without allocating); otherwise from the one token request in flight for the key, started if needed.
    /// During back-off after a failure, the last failure is returned without a new request.
    /// </summary>
    ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(TokenCacheKey key, ClientCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks <paramref name="token"/> bad after a resource server refused it, if it is still the current token
    /// for <paramref name="key"/>; the next call then renews it. A token already replaced is left alone.
    /// </summary>
    void Reject(TokenCacheKey key, AccessToken token);

    /// <summary>Drops every cached token of a credential (after it was changed or deleted).</summary>
    void Remove(string credentialId);
}
