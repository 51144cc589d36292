using Credo.Core.Credentials;
using Credo.OAuth;

namespace Credo.Server.Api;

/// <summary>
/// A credential as the API shows it: everything but the secret or private key. <c>expiresInDays</c> counts down to the
/// secret's "Secret expires on" day or the certificate's <c>notAfter</c> (0 or less once expired; absent when unknown).
/// <c>resourceHosts</c> are the hosts listed (null: derived from the scopes); <c>effectiveResourceHosts</c> the hosts its
/// tokens may go to, listed or derived. <c>secretReference</c> says where the secret or certificate is read from (null:
/// stored in Credo).
/// </summary>
internal sealed record CredentialDto(
    Guid Id,
    CredentialType Type,
    string Name,
    string ClientId,
    string TokenEndpoint,
    string Scopes,
    string? ResourceHosts,
    IReadOnlyList<string> EffectiveResourceHosts,
    ClientAuthenticationMethod AuthenticationMethod,
    string? SecretReference,
    DateOnly? SecretExpiresOn,
    CertificateDto? Certificate,
    int? ExpiresInDays,
    bool? Expired,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    LastValidationDto? LastValidation)
{
    public static CredentialDto From(Credential c, DateTimeOffset now)
    {
        var expiry = CredentialExpiry.Of(c, now);
        return new(
            c.Id, c.Type, c.Name, c.ClientId, c.TokenEndpoint, c.Scopes, c.ResourceHosts,
            CredentialResources.HostsOf(c).Value.Split(' ', StringSplitOptions.RemoveEmptyEntries), c.AuthenticationMethod, c.SecretReference, c.SecretExpiresOn,
            c.Type == CredentialType.OAuth2ClientCertificate && c.SecretReference is null
                ? new CertificateDto(c.CertificateSubject ?? "", c.CertificateThumbprint ?? "", c.CertificateNotAfter, c.SigningAlgorithm)
                : null,
            expiry?.DaysLeft, expiry?.Expired, c.Version, c.CreatedAt, c.UpdatedAt,
            c.LastValidatedAt is { } at ? new LastValidationDto(at, c.LastValidationSucceeded == true, c.LastValidationSummary) : null);
    }
}

/// <summary>What a certificate credential shows of its certificate: never the key.</summary>
internal sealed record CertificateDto(string Subject, string Sha256Thumbprint, DateTimeOffset? NotAfter, SigningAlgorithm? SigningAlgorithm);

/// <summary>The outcome of the last validation.</summary>
internal sealed record LastValidationDto(DateTimeOffset At, bool Succeeded, string? Summary);

/// <summary>
/// The body of create, update and validate. <c>type</c> is <c>OAuth2ClientCredentials</c> (default, with
/// <c>clientSecret</c>) or <c>OAuth2ClientCertificate</c> (with <c>certificate</c>: the base64 of a PEM or PKCS#12 file,
/// <c>certificatePassword</c> for an encrypted key or PKCS#12, and <c>signingAlgorithm</c>). <c>clientSecret</c>,
/// <c>certificate</c> and <c>certificatePassword</c> are write-only; on update the secret or certificate may be left out
/// to keep the stored one, unless <c>tokenEndpoint</c>, <c>clientId</c> or the effective <c>resourceHosts</c> change (it
/// goes only where it was saved for). <c>resourceHosts</c>: the hosts its tokens may go to, separated by spaces
/// (<c>host</c>, <c>host:port</c>, <c>*.domain</c>); empty or absent derives them from the scopes. <c>secretReference</c>
/// (<c>keyvault://</c>, <c>vault://</c>, <c>env:</c>, <c>file:</c>) instead of <c>clientSecret</c> or <c>certificate</c>
/// reads it from a secret source; on update it counts as typed again, and absent keeps the stored one.
/// <c>version</c> is required on update: the version the change is based on.
/// </summary>
internal sealed record CredentialRequest(
    string? Name,
    string? ClientId,
    string? ClientSecret,
    string? TokenEndpoint,
    string? Scopes,
    ClientAuthenticationMethod? AuthenticationMethod,
    long? Version,
    CredentialType? Type = null,
    DateOnly? SecretExpiresOn = null,
    string? Certificate = null,
    string? CertificatePassword = null,
    SigningAlgorithm? SigningAlgorithm = null,
    string? ResourceHosts = null,
    string? SecretReference = null)
{
    /// <summary>The certificate file, or <see langword="null"/> when none was sent or it is not base64 (<see cref="CertificateError"/>).</summary>
    public byte[]? CertificateFile()
    {
        if (string.IsNullOrEmpty(Certificate))
        {
            return null;
        }

        var buffer = new byte[Certificate.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(Certificate, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Why <see cref="Certificate"/> cannot be read, if it cannot.</summary>
    public string? CertificateError() => !string.IsNullOrEmpty(Certificate) && CertificateFile() is null
        ? "Send the certificate file (PEM or PKCS#12) as base64."
        : null;

    public CredentialInput ToInput() => new()
    {
        Type = Type ?? CredentialType.OAuth2ClientCredentials,
        SecretExpiresOn = SecretExpiresOn,
        CertificateFile = CertificateFile(),
        CertificatePassword = CertificatePassword,
        SigningAlgorithm = SigningAlgorithm,
        Name = Name,
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        TokenEndpoint = TokenEndpoint,
        Scopes = Scopes,
        ResourceHosts = ResourceHosts,
        SecretReference = SecretReference,
        AuthenticationMethod = AuthenticationMethod ?? ClientAuthenticationMethod.ClientSecretBasic,
    };

    /// <summary>Describes the request without the secret.</summary>
    public override string ToString() => $"{Name} ({ClientId})";
}

/// <summary>The report of a validation: never the token.</summary>
internal sealed record ValidationReportDto(
    bool Succeeded,
    string Summary,
    string? TokenType,
    double? LifetimeSeconds,
    string? GrantedScope,
    IReadOnlyList<string>? Audiences,
    IReadOnlyList<string>? Roles,
    IReadOnlyList<string>? Scp,
    DateTimeOffset? ExpiresAt,
    string? Stage,
    string? Message,
    string? Hint,
    string? Error,
    string? ErrorDescription,
    string? ErrorUri,
    IReadOnlyList<string> Warnings,
    string? LikelyCause,
    string? SecretOrigin)
{
    public static ValidationReportDto From(CredentialValidation v) => new(
        v.Succeeded, v.Summary, v.TokenType, v.Lifetime?.TotalSeconds, v.GrantedScope,
        v.Claims?.Audiences, v.Claims?.Roles, v.Claims?.Scopes, v.Claims?.ExpiresAt,
        v.Failure?.Stage, v.Failure?.Message, v.Failure?.Hint, v.Failure?.Error, v.Failure?.ErrorDescription, v.Failure?.ErrorUri, v.Warnings, v.LikelyCause, v.SecretOrigin);
}
