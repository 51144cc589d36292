using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>
/// Values typed for a credential (console form, API body, CLI flags). On update, a <see langword="null"/>
/// or empty <see cref="ClientSecret"/> keeps the stored secret.
/// </summary>
public sealed class CredentialInput
{
    /// <summary>A client secret or a certificate; fixed once the credential exists.</summary>
    public CredentialType Type { get; set; }

    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Client Identifier.</summary>
    public string? ClientId { get; set; }

    /// <summary>Client Secret (write-only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Token Endpoint.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Scopes separated by spaces.</summary>
    public string? Scopes { get; set; }

    /// <summary>"Resource Hosts": the hosts its tokens may go to, one per line or separated by spaces; empty derives them from the scopes.</summary>
    public string? ResourceHosts { get; set; }

    /// <summary>Authentication Method; default HTTP Basic.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; set; } = ClientAuthenticationMethod.ClientSecretBasic;

    /// <summary>"Secret expires on": the day the client secret stops working, if known.</summary>
    public DateOnly? SecretExpiresOn { get; set; }

    /// <summary>"Certificate": the uploaded PEM or PKCS#12 file (write-only); on update, empty keeps the stored certificate.</summary>
#pragma warning disable CA1819 // The uploaded file as it came; nothing keeps the array.
    public byte[]? CertificateFile { get; set; }
#pragma warning restore CA1819

    /// <summary>"Certificate Password" for an encrypted key or a PKCS#12 file; used once to read the file and never stored.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>"Signing Algorithm"; <see langword="null"/> means the default for the key (PS256 for RSA, ES256 for EC).</summary>
    public SigningAlgorithm? SigningAlgorithm { get; set; }

    /// <summary>
    /// "Secret Reference": where the client secret or certificate is read from instead of being stored in Credo
    /// (<c>keyvault://</c>, <c>vault://</c>, <c>env:</c>, <c>file:</c>; README, "Secret sources"). On update, empty keeps
    /// the stored secret, certificate or reference.
    /// </summary>
    public string? SecretReference { get; set; }

    /// <summary>Describes the input without the secret.</summary>
    public override string ToString() => $"{Name} ({ClientId} at {TokenEndpoint})";
}
