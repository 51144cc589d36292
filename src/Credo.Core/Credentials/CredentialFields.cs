namespace Credo.Core.Credentials;

/// <summary>The fields of a credential with their labels (README, "Admin console"), used as keys of validation errors.</summary>
public static class CredentialFields
{
    /// <summary>Name.</summary>
    public const string Name = nameof(CredentialInput.Name);

    /// <summary>Client Identifier.</summary>
    public const string ClientId = nameof(CredentialInput.ClientId);

    /// <summary>Client Secret.</summary>
    public const string ClientSecret = nameof(CredentialInput.ClientSecret);

    /// <summary>Token Endpoint.</summary>
    public const string TokenEndpoint = nameof(CredentialInput.TokenEndpoint);

    /// <summary>Scopes.</summary>
    public const string Scopes = nameof(CredentialInput.Scopes);

    /// <summary>Resource Hosts.</summary>
    public const string ResourceHosts = nameof(CredentialInput.ResourceHosts);

    /// <summary>Authentication Method.</summary>
    public const string AuthenticationMethod = nameof(CredentialInput.AuthenticationMethod);

    /// <summary>Secret expires on.</summary>
    public const string SecretExpiresOn = nameof(CredentialInput.SecretExpiresOn);

    /// <summary>Certificate.</summary>
    public const string Certificate = "Certificate";

    /// <summary>Certificate Password.</summary>
    public const string CertificatePassword = nameof(CredentialInput.CertificatePassword);

    /// <summary>Signing Algorithm.</summary>
    public const string SigningAlgorithm = nameof(CredentialInput.SigningAlgorithm);

    /// <summary>Secret Reference.</summary>
    public const string SecretReference = nameof(CredentialInput.SecretReference);

    /// <summary>The label the console shows for <paramref name="field"/>.</summary>
    public static string Label(string field) => field switch
    {
        Name => "Name",
        ClientId => "Client Identifier",
        ClientSecret => "Client Secret",
        TokenEndpoint => "Token Endpoint",
        Scopes => "Scopes",
        ResourceHosts => "Resource Hosts",
        AuthenticationMethod => "Authentication Method",
        SecretExpiresOn => "Secret expires on",
        Certificate => "Certificate",
        CertificatePassword => "Certificate Password",
        SigningAlgorithm => "Signing Algorithm",
        SecretReference => "Secret Reference",
        _ => field,
    };
}
