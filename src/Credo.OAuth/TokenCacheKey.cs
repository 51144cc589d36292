namespace Credo.OAuth;

/// <summary>
/// Identifies cached tokens: the credential, its version (bumped by every change, so a change makes the
/// old tokens unreachable at once) and the scopes requested.
/// </summary>
/// <param name="CredentialId">The stored credential's identifier.</param>
/// <param name="Version">The credential's version.</param>
/// <param name="Scope">The requested scopes as in <see cref="ScopeSet.Value"/>.</param>
public readonly record struct TokenCacheKey(string CredentialId, long Version, string Scope)
{
    /// <summary>The key of <paramref name="credentials"/> stored as <paramref name="credentialId"/> at <paramref name="version"/>.</summary>
    public static TokenCacheKey For(string credentialId, long version, ClientCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new(credentialId, version, credentials.Scopes.Value);
    }
}
