using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>A credential as stored: a client secret or a certificate with its key, each held only in protected form.</summary>
public sealed class Credential
{
    /// <summary>A client secret or a certificate.</summary>
    public CredentialType Type { get; set; }

    /// <summary>Identifier.</summary>
    public Guid Id { get; set; }

    /// <summary>Display name, unique regardless of case.</summary>
    public string Name { get; set; } = "";

    /// <summary>Upper-case <see cref="Name"/>, for the unique index.</summary>
    public string NormalizedName { get; set; } = "";

    /// <summary>Client identifier.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret protected with ASP.NET Core Data Protection; never the secret itself. Empty for a certificate.</summary>
    public string ProtectedClientSecret { get; set; } = "";

    /// <summary>
    /// Where the client secret or certificate is read from (README, "Secret sources"); null when Credo stores it. With a
    /// reference, Credo stores neither a secret nor a certificate.
    /// </summary>
    public string? SecretReference { get; set; }

    /// <summary>The day the client secret expires, when the administrator said ("Secret expires on").</summary>
    public DateOnly? SecretExpiresOn { get; set; }

    /// <summary>The certificate with its private key (PKCS#12, no password) protected with Data Protection; never the key itself.</summary>
    public string? ProtectedCertificate { get; set; }

    /// <summary>The certificate's subject, shown in the console.</summary>
    public string? CertificateSubject { get; set; }

    /// <summary>The certificate's SHA-256 thumbprint, upper-case hex.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>The end of the certificate's validity.</summary>
    public DateTimeOffset? CertificateNotAfter { get; set; }

    /// <summary>The JWS algorithm the client assertion is signed with (<c>PS256</c>, <c>RS256</c>, <c>ES256</c>).</summary>
    public SigningAlgorithm? SigningAlgorithm { get; set; }

    /// <summary>Token endpoint URL.</summary>
    public string TokenEndpoint { get; set; } = "";

    /// <summary>Scopes, normalized (single spaces, no duplicates).</summary>
    public string Scopes { get; set; } = "";

    /// <summary>
    /// The hosts its tokens may be sent to, separated by spaces (<c>mail.contoso.com</c>, <c>*.contoso.com</c>,
    /// <c>host:port</c>); null derives them from <see cref="Scopes"/>.
    /// </summary>
    public string? ResourceHosts { get; set; }

    /// <summary>Client authentication method.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; set; }

    /// <summary>Bumped by every change; the optimistic concurrency token and part of the token cache key.</summary>
    public long Version { get; set; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it was last validated, if ever (with its current values).</summary>
    public DateTimeOffset? LastValidatedAt { get; set; }

    /// <summary>Whether the last validation succeeded.</summary>
    public bool? LastValidationSucceeded { get; set; }

    /// <summary>One line about the last validation (never a token or secret).</summary>
    public string? LastValidationSummary { get; set; }
}
