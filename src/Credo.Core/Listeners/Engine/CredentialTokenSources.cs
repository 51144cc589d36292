using System.Collections.Concurrent;
using Credo.Core.Credentials;
using Credo.OAuth;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// One token source per credential, kept while the credential's version is unchanged: many listeners share a
/// credential, and an idle poll then neither reads nor decrypts it again. A new version (any change) builds a new source,
/// whose cache key differs, so tokens of the old values are never used.
/// </summary>
internal sealed class CredentialTokenSources(ITokenCache cache)
{
    private readonly ConcurrentDictionary<Guid, (long Version, IAccessTokenSource Source)> _sources = new();

    /// <summary>The token source of the credential at <paramref name="version"/>, or null when it no longer exists.</summary>
    public async Task<IAccessTokenSource?> GetAsync(Guid credentialId, long version, CredentialStore credentials, CredentialSecrets secrets, CancellationToken cancellationToken)
    {
        if (_sources.TryGetValue(credentialId, out var known) && known.Version == version)
        {
            return known.Source;
        }

        if (await credentials.GetAsync(credentialId, cancellationToken) is not { } credential)
        {
            _sources.TryRemove(credentialId, out _);
            return null;
        }

        var source = new CachedAccessTokenSource(cache, credential.Id.ToString(), credential.Version, secrets.ToClientCredentials(credential));
        _sources[credentialId] = (credential.Version, source);
        return source;
    }
}
