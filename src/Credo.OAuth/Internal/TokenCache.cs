using System.Collections.Concurrent;
using Credo.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.OAuth.Internal;

internal sealed class TokenCache(
    ITokenClient tokenClient,
    IOptionsMonitor<TokenClientOptions> options,
    TimeProvider timeProvider,
    OAuthMetrics metrics,
    ILogger<TokenCache> logger) : ITokenCache
{
    private readonly ConcurrentDictionary<TokenCacheKey, TokenCacheEntry> _entries = new();

    internal ITokenClient TokenClient => tokenClient;

    internal TokenClientOptions Options => options.CurrentValue;

    internal TimeProvider TimeProvider => timeProvider;

    internal OAuthMetrics Metrics => metrics;

    internal ILogger Logger => logger;

    public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(TokenCacheKey key, ClientCredentials credentials, CancellationToken cancellationToken = default) =>
        EntryFor(key).GetAsync(credentials, cancellationToken);

    /// <summary>The entry of <paramref name="key"/>, created if needed; a holder may keep it until it is <see cref="TokenCacheEntry.Removed"/>.</summary>
    internal TokenCacheEntry EntryFor(TokenCacheKey key) => _entries.TryGetValue(key, out var entry) ? entry : AddEntry(key);

    public void Reject(TokenCacheKey key, AccessToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_entries.TryGetValue(key, out var entry) && entry.Reject(token))
        {
            Log.TokenRejected(logger, key.CredentialId, key.Version);
        }
    }

    public void Remove(string credentialId)
    {
        foreach (var key in _entries.Keys)
        {
            if (key.CredentialId == credentialId && _entries.TryRemove(key, out var removed))
            {
                removed.MarkRemoved();
            }
        }
    }

    private TokenCacheEntry AddEntry(TokenCacheKey key)
    {
        var entry = _entries.GetOrAdd(key, static (k, cache) => new TokenCacheEntry(k, cache), this);

        // A newer version of a credential makes the tokens of older versions unreachable; drop them.
        foreach (var existing in _entries.Keys)
        {
            if (existing.CredentialId == key.CredentialId && existing.Version < key.Version && _entries.TryRemove(existing, out var removed))
            {
                removed.MarkRemoved();
            }
        }

        return entry;
    }
}
