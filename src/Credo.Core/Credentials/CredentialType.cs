namespace Credo.Core.Credentials;

/// <summary>How a credential's client authenticates at the Token Endpoint.</summary>
public enum CredentialType
{
    /// <summary>"OAuth2 Client Credentials": a client secret.</summary>
    OAuth2ClientCredentials,

    /// <summary>"OAuth2 Client Credentials (Certificate)": a JWT client assertion signed with the certificate's private key (<c>private_key_jwt</c>).</summary>
    OAuth2ClientCertificate,
}
