using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>Every rule of a credential's fields (README, "Admin console" and "Security"), each failure with a message that says what is wrong and how to fix it.</summary>
public static class CredentialRules
{
    /// <summary>Longest name accepted.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The refusal when an empty secret field would send the stored secret somewhere it was not saved for.</summary>
    public const string RetypeSecret = "Type the client secret again: it is sent only to the Token Endpoint and with the Client Identifier it was saved for, and its tokens go only to the Resource Hosts it was saved with.";

    /// <summary>The refusal when no certificate is uploaded but the stored one would be used somewhere it was not saved for.</summary>
    public const string RetypeCertificate = "Upload the certificate again: its key is used only for the Token Endpoint and Client Identifier it was saved for, and its tokens go only to the Resource Hosts it was saved with.";

    /// <summary>The refusal when an empty Secret Reference would send the secret it reads somewhere it was not saved for.</summary>
    public const string RetypeReference = "Type the Secret Reference again: the secret it reads is sent only to the Token Endpoint and with the Client Identifier it was saved for, and its tokens go only to the Resource Hosts it was saved with.";

    /// <summary>The refusal that fits <paramref name="stored"/> when <see cref="RedirectsStoredSecret"/> holds, and the field it belongs to.</summary>
    public static (string Field, string Message) Retype(Credential stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.SecretReference is not null ? (CredentialFields.SecretReference, RetypeReference)
            : stored.Type == CredentialType.OAuth2ClientCertificate ? (CredentialFields.Certificate, RetypeCertificate)
            : (CredentialFields.ClientSecret, RetypeSecret);
    }

    /// <summary>
    /// Whether <paramref name="input"/> leaves the secret (or certificate, or Secret Reference) empty (meaning: the stored one) while naming a Token
    /// Endpoint or Client Identifier other than the ones <paramref name="stored"/> was saved with, or other effective
    /// Resource Hosts (listed, or derived from other scopes). Such input must be refused, or anyone allowed to edit could
    /// have the stored secret, or the tokens it earns, sent to a server of their choosing.
    /// </summary>
    public static bool RedirectsStoredSecret(Credential stored, CredentialInput input)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(input);
        var keepsStored = string.IsNullOrWhiteSpace(input.SecretReference) && (stored.Type == CredentialType.OAuth2ClientCertificate
            ? input.CertificateFile is not { Length: > 0 }
            : string.IsNullOrEmpty(input.ClientSecret));
        return keepsStored
            && (!string.Equals(stored.TokenEndpoint, input.TokenEndpoint?.Trim(), StringComparison.Ordinal)
                || !string.Equals(stored.ClientId, input.ClientId, StringComparison.Ordinal)
                || ChangesResourceHosts(stored, input));
    }

    /// <summary>Whether <paramref name="input"/> gives <paramref name="stored"/> other effective Resource Hosts (a list that does not parse changes nothing here: it is refused on its own).</summary>
    public static bool ChangesResourceHosts(Credential stored, CredentialInput input)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(input);
        if (!ScopeSet.TryParse(input.Scopes, out var scopes, out _)
            || (!string.IsNullOrWhiteSpace(input.ResourceHosts) && !ResourceHosts.TryParse(input.ResourceHosts, out _, out _)))
        {
            return false;
        }

        return !ResourceHosts.Of(input.ResourceHosts, scopes).Equals(CredentialResources.HostsOf(stored))
            || string.IsNullOrWhiteSpace(input.ResourceHosts) != string.IsNullOrWhiteSpace(stored.ResourceHosts);
    }

    /// <summary>
    /// Checks <paramref name="input"/>; the result maps field names (<see cref="CredentialFields"/>) to messages and is
    /// empty when the input is valid. <paramref name="secretRequired"/> is false on update, where an empty secret keeps the stored one.
    /// </summary>
    public static Dictionary<string, string> Check(CredentialInput input, bool allowHttp, bool secretRequired)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(errors, CredentialFields.Name, CheckName(input.Name));
        Add(errors, CredentialFields.ClientId, ClientCredentialsRules.CheckClientId(input.ClientId));
        // A certificate, its password and algorithm are checked by reading the file (CredentialSecrets).
        if (!string.IsNullOrWhiteSpace(input.SecretReference))
        {
            if (!Secrets.SecretReference.TryParse(input.SecretReference, out _, out var referenceError))
            {
                errors[CredentialFields.SecretReference] = referenceError;
            }

            if (!string.IsNullOrEmpty(input.ClientSecret) || input.CertificateFile is { Length: > 0 })
            {
                errors[CredentialFields.SecretReference] = input.Type == CredentialType.OAuth2ClientCertificate
                    ? "Give either a certificate file or a Secret Reference, not both."
                    : "Give either a Client Secret or a Secret Reference, not both.";
            }
        }
        else if (input.Type == CredentialType.OAuth2ClientCredentials && (secretRequired || !string.IsNullOrEmpty(input.ClientSecret)))
        {
            Add(errors, CredentialFields.ClientSecret, ClientCredentialsRules.CheckClientSecret(input.ClientSecret));
        }

        Add(errors, CredentialFields.TokenEndpoint, ClientCredentialsRules.CheckTokenEndpoint(input.TokenEndpoint, allowHttp));
        Add(errors, CredentialFields.Scopes, ClientCredentialsRules.CheckScopes(input.Scopes));
        if (!string.IsNullOrWhiteSpace(input.ResourceHosts) && !ResourceHosts.TryParse(input.ResourceHosts, out _, out var hostsError))
        {
            errors[CredentialFields.ResourceHosts] = hostsError;
        }
        if (!Enum.IsDefined(input.Type))
        {
            errors[CredentialFields.Name] = "Unknown credential type; use OAuth2ClientCredentials or OAuth2ClientCertificate.";
        }

        if (input.Type == CredentialType.OAuth2ClientCredentials
            && (!Enum.IsDefined(input.AuthenticationMethod) || input.AuthenticationMethod == ClientAuthenticationMethod.PrivateKeyJwt))
        {
            errors[CredentialFields.AuthenticationMethod] = "Choose how the client authenticates: HTTP Basic (ClientSecretBasic) or in the request body (ClientSecretPost).";
        }

        return errors;
    }

    /// <summary>Checks a name: 1–100 characters after trimming, no control characters.</summary>
    public static string? CheckName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return "Enter a name that tells this credential apart, for example \"Exchange Online – Contoso\".";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"The name is {trimmed.Length} characters long; shorten it to at most {MaxNameLength}.";
        }

        return trimmed.Any(char.IsControl) ? "The name contains a control character (a line break or tab); remove it." : null;
    }

    private static void Add(Dictionary<string, string> errors, string field, string? message)
    {
        if (message is not null)
        {
            errors[field] = message;
        }
    }
}
