using Credo.OAuth;

namespace Credo.Core.Credentials.Internal;

/// <summary>What the store and the validator both need to know about a change: which fields it touches, and how a validation is kept.</summary>
internal static class CredentialChanges
{
    /// <summary>The labels of the fields <paramref name="input"/> changes on <paramref name="credential"/>.</summary>
    public static List<string> Fields(Credential credential, CredentialInput input, CredentialSecrets secrets, string? uploadedThumbprint = null)
    {
        var changed = new List<string>();
        if (credential.Name != input.Name?.Trim())
        {
            changed.Add(CredentialFields.Label(CredentialFields.Name));
        }

        if (credential.ClientId != input.ClientId)
        {
            changed.Add(CredentialFields.Label(CredentialFields.ClientId));
        }

        if (!string.IsNullOrEmpty(input.ClientSecret) && secrets.DiffersFromStored(credential, input.ClientSecret))
        {
            changed.Add(CredentialFields.Label(CredentialFields.ClientSecret));
        }

        if (!string.IsNullOrWhiteSpace(input.SecretReference) && input.SecretReference.Trim() != credential.SecretReference)
        {
            changed.Add(CredentialFields.Label(CredentialFields.SecretReference));
        }

        if (credential.TokenEndpoint != input.TokenEndpoint?.Trim())
        {
            changed.Add(CredentialFields.Label(CredentialFields.TokenEndpoint));
        }

        if (credential.Scopes != (ScopeSet.TryParse(input.Scopes, out var scopes, out _) ? scopes.Value : input.Scopes))
        {
            changed.Add(CredentialFields.Label(CredentialFields.Scopes));
        }

        if (CredentialRules.ChangesResourceHosts(credential, input))
        {
            changed.Add(CredentialFields.Label(CredentialFields.ResourceHosts));
        }

        if (credential.Type == CredentialType.OAuth2ClientCertificate)
        {
            if (uploadedThumbprint is not null && uploadedThumbprint != credential.CertificateThumbprint)
            {
                changed.Add(CredentialFields.Label(CredentialFields.Certificate));
            }

            if (input.SigningAlgorithm is { } algorithm && algorithm != credential.SigningAlgorithm)
            {
                changed.Add(CredentialFields.Label(CredentialFields.SigningAlgorithm));
            }

            return changed;
        }

        if (credential.AuthenticationMethod != input.AuthenticationMethod)
        {
            changed.Add(CredentialFields.Label(CredentialFields.AuthenticationMethod));
        }

        if (credential.SecretExpiresOn != input.SecretExpiresOn)
        {
            changed.Add(CredentialFields.Label(CredentialFields.SecretExpiresOn));
        }

        return changed;
    }

    /// <summary>Keeps <paramref name="validation"/> as the last validation of <paramref name="credential"/> (none clears it).</summary>
    public static void Record(Credential credential, LastValidation? validation)
    {
        credential.LastValidatedAt = validation?.At;
        credential.LastValidationSucceeded = validation?.Succeeded;
        credential.LastValidationSummary = validation is null ? null : Truncate(validation.Summary, 2000);
    }

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters, the cut marked.</summary>
    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
