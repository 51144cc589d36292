using System.Collections.Concurrent;
using Credo.Core.Credentials;
using Credo.Core.Secrets;
using Credo.OAuth;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// One token source per credential, kept while the credential's version is unchanged: many listeners share a
/// credential, and an idle poll then neither reads nor decrypts it again. A new version (any change) builds a new source,
/// whose cache key differs, so tokens of the old values are never used.
/// </summary>
internal sealed class CredentialTokenSources(ITokenCache cache, SecretSources secretSources)
{
    private readonly ConcurrentDictionary<Guid, CredentialTokens> _sources = new();

    /// <summary>The credential at <paramref name="version"/> with its token source, or null when it no longer exists.</summary>
    public async Task<CredentialTokens?> GetAsync(Guid credentialId, long version, CredentialStore credentials, CredentialSecrets secrets, CancellationToken cancellationToken)
    {
        if (_sources.TryGetValue(credentialId, out var known) && known.Credential.Version == version)
        {
            return known;
        }

        if (await credentials.GetAsync(credentialId, cancellationToken) is not { } credential)
        {
            _sources.TryRemove(credentialId, out _);
            return null;
        }

        // Its tokens go only to its Resource Hosts, whoever asks the source for one.
        var tokens = new CredentialTokens(credential, SecretReference.TryParse(credential.SecretReference, out var reference, out _)
            ? new ReferencedTokenSource(cache, credential, reference, secretSources)
            : new CachedAccessTokenSource(cache, credential.Id.ToString(), credential.Version, secrets.ToClientCredentials(credential), CredentialResources.HostsOf(credential)));
        _sources[credentialId] = tokens;
        return tokens;
    }
}

/// <summary>A credential as read, and the token source of its values.</summary>
/// <param name="Credential">The credential (its secret still protected).</param>
/// <param name="Source">Its tokens, which go only to its Resource Hosts.</param>
internal sealed record CredentialTokens(Credential Credential, IAccessTokenSource Source);
