using Credo.Core.Credentials;
using Credo.Core.Secrets;
using Credo.Net;
using Credo.OAuth;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// The tokens of a credential whose secret or certificate a Secret Reference gives (README, "Secret sources"). Each
/// request for a token reads the reference (from memory within the cache duration) and uses the token source of that
/// value, whose cache key holds the value's version: a rotated secret never serves tokens cached for the old one. An
/// <c>invalid_client</c> answer makes it read the source again at once, and try once more if the value changed.
/// </summary>
internal sealed class ReferencedTokenSource(ITokenCache cache, Credential credential, SecretReference reference, SecretSources sources) : IAccessTokenSource
{
    private readonly ResourceHosts _hosts = CredentialResources.HostsOf(credential);
    private volatile ValueSource? _current;

    // While the value in memory is the one the token source was made for (an idle poll), neither a read nor an allocation.
    public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken) =>
        GetTokenAsync(_current is { } current && sources.Cached(reference)?.Fingerprint == current.Fingerprint ? current : null, cancellationToken);

    public void Reject(AccessToken token) => _current?.Tokens.Reject(token);

    public TokenFailure? RefuseDestination(Uri destination) => ResourceHostRule.Refuse(_hosts, destination);

    private async ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(ValueSource? known, CancellationToken cancellationToken)
    {
        var source = known;
        if (source is null)
        {
            var read = await SourceAsync(fresh: false, cancellationToken);
            if (!read.Succeeded)
            {
                return read.Error;
            }

            source = read.Value!;
        }

        var result = await source.Tokens.GetTokenAsync(cancellationToken);
        if (result.Succeeded || result.Error.Error != "invalid_client")
        {
            return result;
        }

        // The secret may have been rotated in the vault since it was read: read it again, and retry once with a new value.
        var again = await SourceAsync(fresh: true, cancellationToken);
        return !again.Succeeded ? again.Error
            : ReferenceEquals(again.Value, source) ? result
            : await again.Value!.Tokens.GetTokenAsync(cancellationToken);
    }

    private async Task<Result<ValueSource, TokenFailure>> SourceAsync(bool fresh, CancellationToken cancellationToken)
    {
        var read = await sources.ReadAsync(reference, fresh, cancellationToken);
        if (!read.Succeeded)
        {
            return read.Error.ToTokenFailure();
        }

        if (_current is { } current && current.Fingerprint == read.Value.Fingerprint)
        {
            return current;
        }

        var credentials = CredentialSecrets.With(read.Value, credential.Type, new Uri(credential.TokenEndpoint), credential.ClientId,
            ScopeSet.Parse(credential.Scopes), credential.AuthenticationMethod, credential.SigningAlgorithm);
        if (!credentials.Succeeded)
        {
            return credentials.Error.ToTokenFailure();
        }

        // A replaced value's certificate is left to the collector: a request may still be signing with it.
        var next = new ValueSource(read.Value.Fingerprint, new CachedAccessTokenSource(
            cache, $"{credential.Id}@{read.Value.Fingerprint}", credential.Version, credentials.Value, _hosts));
        _current = next;
        return next;
    }

    private sealed record ValueSource(string Fingerprint, CachedAccessTokenSource Tokens);
}
