using Credo.Core.Persistence;
using Credo.Core.Security;
using Credo.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Credentials;

/// <summary>
/// Hands out what a credential authenticates with, as <see cref="Secret"/>, never as a plain string: the secret typed
/// now, or the stored one where the "goes only where it was saved for" rule allows it. The one place that unprotects.
/// </summary>
public sealed class CredentialSecrets(CredoDbContext db, SecretProtector protector)
{
    /// <summary>The parameters of the token request of a stored credential, with its secret unprotected.</summary>
    public ClientCredentials ToClientCredentials(Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new ClientCredentials(
            new Uri(credential.TokenEndpoint),
            credential.ClientId,
            new Secret(protector.UnprotectClientSecret(credential.ProtectedClientSecret)),
            ScopeSet.Parse(credential.Scopes),
            credential.AuthenticationMethod);
    }

    /// <summary>
    /// The secret <paramref name="input"/> stands for: the one typed, else the stored one of <paramref name="existingId"/>
    /// if <paramref name="input"/> keeps its Token Endpoint and Client Identifier (and the key ring can still read it);
    /// otherwise <see langword="null"/>.
    /// </summary>
    public async Task<Secret?> ResolveAsync(CredentialInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!string.IsNullOrEmpty(input.ClientSecret))
        {
            return new Secret(input.ClientSecret);
        }

        return existingId is { } id
            && await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is { } stored
            && !CredentialRules.RedirectsStoredSecret(stored, input)
                ? Stored(stored)
                : null;
    }

    /// <summary>The stored secret of <paramref name="credential"/>, or <see langword="null"/> when the key ring lost the key it was protected with.</summary>
    internal Secret? Stored(Credential credential) =>
        protector.TryUnprotectClientSecret(credential.ProtectedClientSecret) is { Length: > 0 } secret ? new Secret(secret) : null;

    /// <summary>Whether <paramref name="typed"/> differs from the stored secret (an unreadable stored secret differs from everything).</summary>
    internal bool DiffersFromStored(Credential credential, string typed) =>
        protector.TryUnprotectClientSecret(credential.ProtectedClientSecret) != typed;

    /// <summary>Protects a typed secret for storage.</summary>
    internal string Protect(string secret) => protector.ProtectClientSecret(secret);
}
