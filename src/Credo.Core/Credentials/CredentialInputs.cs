namespace Credo.Core.Credentials;

/// <summary>Conversions to <see cref="CredentialInput"/>.</summary>
public static class CredentialInputs
{
    /// <summary>The stored values of <paramref name="credential"/>, with an empty secret (meaning: the stored one).</summary>
    public static CredentialInput From(Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new CredentialInput
        {
            Type = credential.Type,
            SigningAlgorithm = credential.SigningAlgorithm,
            Name = credential.Name,
            ClientId = credential.ClientId,
            TokenEndpoint = credential.TokenEndpoint,
            Scopes = credential.Scopes,
            ResourceHosts = credential.ResourceHosts,
            AuthenticationMethod = credential.AuthenticationMethod,
            SecretExpiresOn = credential.SecretExpiresOn,
        };
    }
}
