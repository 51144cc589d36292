using System.Text;
using Credo.Core.Persistence;
using Credo.Core.Secrets;
using Credo.Core.Security;
using Credo.Net;
using Credo.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Credentials;

/// <summary>
/// Hands out what a credential authenticates with, as <see cref="Secret"/> or as the signing key
/// (<see cref="ClientCertificate"/>), never as a plain string: the secret or certificate given now, or the stored one
/// where the "goes only where it was saved for" rule allows it, or the value its Secret Reference reads. The one place
/// that unprotects them.
/// </summary>
public sealed class CredentialSecrets(CredoDbContext db, SecretProtector protector, SecretSources sources)
{
    private const string StoredCertificateUnreadable =
        "The stored certificate can no longer be decrypted (the Data Protection key it was protected with is gone from the key ring); upload it again.";

    private const string CertificateMissing =
        "Choose the certificate file: PEM with the certificate and its private key, or PKCS#12 (.pfx, .p12).";

    /// <summary>
    /// The parameters of the token request of a stored credential, with its secret unprotected or its certificate
    /// loaded (the caller disposes <see cref="ClientCredentials.Certificate"/> when done with it). Throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> when the key ring lost the key.
    /// </summary>
    public ClientCredentials ToClientCredentials(Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.Type == CredentialType.OAuth2ClientCertificate)
        {
            var certificate = StoredCertificate(credential)
                ?? throw new System.Security.Cryptography.CryptographicException(StoredCertificateUnreadable);
            return new ClientCredentials(
                new Uri(credential.TokenEndpoint),
                credential.ClientId,
                certificate,
                ScopeSet.Parse(credential.Scopes),
                credential.SigningAlgorithm ?? certificate.DefaultAlgorithm);
        }

        return new ClientCredentials(
            new Uri(credential.TokenEndpoint),
            credential.ClientId,
            new Secret(protector.UnprotectClientSecret(credential.ProtectedClientSecret)),
            ScopeSet.Parse(credential.Scopes),
            credential.AuthenticationMethod);
    }

    /// <summary>
    /// The parameters of the token request of a stored credential, as <see cref="ToClientCredentials"/>, and for a
    /// credential with a Secret Reference with the value read from its source (from memory within the cache duration,
    /// unless <paramref name="fresh"/>), with the read; a source that fails gives a failure of stage <c>secret_source</c>.
    /// </summary>
    public async Task<Result<(ClientCredentials Credentials, SecretRead? Read), TokenFailure>> ClientCredentialsAsync(Credential credential, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.SecretReference is null)
        {
            return Result.Success<(ClientCredentials, SecretRead?)>((ToClientCredentials(credential), null));
        }

        var read = await sources.ReadAsync(SecretReference.TryParse(credential.SecretReference, out var reference, out _)
            ? reference
            : throw new InvalidOperationException($"The stored Secret Reference of \"{credential.Name}\" does not parse."), fresh, cancellationToken);
        var credentials = read.Succeeded
            ? With(read.Value, credential.Type, new Uri(credential.TokenEndpoint), credential.ClientId, ScopeSet.Parse(credential.Scopes), credential.AuthenticationMethod, credential.SigningAlgorithm)
            : read.Error;
        return credentials.Succeeded ? Result.Success<(ClientCredentials, SecretRead?)>((credentials.Value, read.Value)) : credentials.Error.ToTokenFailure();
    }

    /// <summary>
    /// The Secret Reference <paramref name="input"/> stands for: the one typed, else the stored one of
    /// <paramref name="stored"/> where the "goes only where it was saved for" rule allows it; null when it has none.
    /// Errors (one that does not parse, a source not configured here, a stored one that would be redirected) go to <paramref name="errors"/>.
    /// </summary>
    internal SecretReference? ReferenceOf(CredentialInput input, Credential? stored, Dictionary<string, string> errors)
    {
        var text = !string.IsNullOrWhiteSpace(input.SecretReference) ? input.SecretReference
            : stored?.SecretReference is { } kept && string.IsNullOrEmpty(input.ClientSecret) && input.CertificateFile is not { Length: > 0 } ? kept
            : null;
        if (text is null || errors.ContainsKey(CredentialFields.SecretReference))
        {
            return null;
        }

        if (stored is not null && CredentialRules.RedirectsStoredSecret(stored, input))
        {
            errors[CredentialFields.SecretReference] = CredentialRules.RetypeReference;
            return null;
        }

        if (!SecretReference.TryParse(text, out var reference, out var error) || (error = sources.CheckConfigured(reference)) is not null)
        {
            errors[CredentialFields.SecretReference] = error;
            return null;
        }

        return reference;
    }

    /// <summary>Reads <paramref name="reference"/> at once, for Validate and Test connection.</summary>
    internal Task<Result<SecretRead, SecretSourceFailure>> ReadAsync(SecretReference reference, CancellationToken cancellationToken) =>
        sources.ReadAsync(reference, fresh: true, cancellationToken);

    /// <summary>
    /// The parameters of a token request with the value <paramref name="read"/> from a Secret Reference: the client secret,
    /// or for a certificate credential a PEM (certificate and unencrypted key) or a PFX without password, as Key Vault
    /// stores certificates (base64, content type <c>application/x-pkcs12</c>). The caller disposes the certificate.
    /// </summary>
    internal static Result<ClientCredentials, SecretSourceFailure> With(
        SecretRead read, CredentialType type, Uri tokenEndpoint, string clientId, ScopeSet scopes, ClientAuthenticationMethod method, SigningAlgorithm? algorithm)
    {
        if (type == CredentialType.OAuth2ClientCredentials)
        {
            return new ClientCredentials(tokenEndpoint, clientId, read.Value, scopes, method);
        }

        var text = read.Value.Reveal();
        var bytes = !text.Contains("-----BEGIN", StringComparison.Ordinal) && read.ContentType is not "application/x-pem-file" && TryBase64(text) is { } der
            ? der
            : Encoding.UTF8.GetBytes(text);
        try
        {
            var load = ClientCertificate.Load(bytes, null);
            var why = load.Error;
            if (load.Succeeded)
            {
                var signing = algorithm ?? load.Value.DefaultAlgorithm;
                if ((why = load.Value.CheckAlgorithm(signing)) is null)
                {
                    return new ClientCredentials(tokenEndpoint, clientId, load.Value, scopes, signing);
                }

                load.Value.Dispose();
            }

            return new SecretSourceFailure(SecretSourceFailureKind.Unusable, $"{read.Reference} ({read.Origin}) holds no certificate Credo can sign with: {why}",
                "Store a PEM with the certificate and its unencrypted private key, or a PFX without a password (as Key Vault stores certificates).");
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>
    /// The secret <paramref name="input"/> stands for: the one typed, else the stored one of <paramref name="existingId"/>
    /// if <paramref name="input"/> keeps its Token Endpoint and Client Identifier (and the key ring can still read it);
    /// otherwise <see langword="null"/>. For a certificate, what identifies the key and how it signs (thumbprint and
    /// algorithm), so a validation stamp can tell the same key from another.
    /// </summary>
    public async Task<Secret?> ResolveAsync(CredentialInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = existingId is { } id ? await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) : null;
        if (ReferenceOf(input, stored, []) is { } reference)
        {
            return new Secret($"reference {reference}");
        }

        if ((stored?.Type ?? input.Type) == CredentialType.OAuth2ClientCertificate)
        {
            using var certificate = ReadCertificate(input, stored, []);
            return certificate is null ? null : new Secret($"certificate {certificate.Sha256Thumbprint} {input.SigningAlgorithm ?? certificate.DefaultAlgorithm}");
        }

        if (!string.IsNullOrEmpty(input.ClientSecret))
        {
            return new Secret(input.ClientSecret);
        }

        return stored is not null && !CredentialRules.RedirectsStoredSecret(stored, input) ? Stored(stored) : null;
    }

    /// <summary>
    /// The certificate <paramref name="input"/> uploads, read with its password, protected for the form's next post in
    /// <paramref name="scope"/> until <paramref name="expires"/> (so <b>Add</b> after <b>Validate</b> needs no second
    /// upload, and the password is not needed again); <see langword="null"/> when nothing usable was uploaded.
    /// </summary>
    public string? ProtectPendingCertificate(CredentialInput input, PendingScope scope, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.CertificateFile is not { Length: > 0 } file)
        {
            return null;
        }

        var load = ClientCertificate.Load(file, input.CertificatePassword);
        if (!load.Succeeded)
        {
            return null;
        }

        using var certificate = load.Value;
        var exported = certificate.Export();
        try
        {
            return protector.ProtectPendingCertificate(exported, scope, expires);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(exported);
        }
    }

    /// <summary>A certificate file carried by the form (<see cref="ProtectPendingCertificate"/>), or <see langword="null"/> when expired, not genuine or protected for another scope.</summary>
    public byte[]? ReadPendingCertificate(string protectedCertificate, PendingScope scope) => protector.UnprotectPendingCertificate(protectedCertificate, scope);

    /// <summary>
    /// The signing key <paramref name="input"/> stands for: the uploaded file read with its password, else the stored
    /// certificate of <paramref name="stored"/> where the "goes only where it was saved for" rule allows it; checked
    /// against the signing algorithm. <see langword="null"/> with the reason in <paramref name="errors"/> otherwise, and
    /// without one when a Secret Reference stands for the certificate (<see cref="ReferenceOf"/>). The caller disposes it.
    /// </summary>
    internal ClientCertificate? ReadCertificate(CredentialInput input, Credential? stored, Dictionary<string, string> errors)
    {
        ClientCertificate certificate;
        if (!string.IsNullOrWhiteSpace(input.SecretReference) || (stored?.SecretReference is not null && input.CertificateFile is not { Length: > 0 }))
        {
            return null; // The reference is read when a token is needed (ReferenceOf checks it).
        }

        if (input.CertificateFile is { Length: > 0 } file)
        {
            var load = ClientCertificate.Load(file, input.CertificatePassword);
            if (!load.Succeeded)
            {
                errors[load.Error.Contains("password", StringComparison.OrdinalIgnoreCase) ? CredentialFields.CertificatePassword : CredentialFields.Certificate] = load.Error;
                return null;
            }

            certificate = load.Value;
        }
        else if (stored is { Type: CredentialType.OAuth2ClientCertificate })
        {
            if (CredentialRules.RedirectsStoredSecret(stored, input))
            {
                errors[CredentialFields.Certificate] = CredentialRules.RetypeCertificate;
                return null;
            }

            if (StoredCertificate(stored) is not { } read)
            {
                errors[CredentialFields.Certificate] = StoredCertificateUnreadable;
                return null;
            }

            certificate = read;
        }
        else
        {
            errors[CredentialFields.Certificate] = CertificateMissing;
            return null;
        }

        if (certificate.CheckAlgorithm(input.SigningAlgorithm ?? certificate.DefaultAlgorithm) is { } wrongAlgorithm)
        {
            errors[CredentialFields.SigningAlgorithm] = wrongAlgorithm;
            certificate.Dispose();
            return null;
        }

        return certificate;
    }

    /// <summary>The stored certificate of <paramref name="credential"/>, or <see langword="null"/> when there is none or the key ring lost its key.</summary>
    internal ClientCertificate? StoredCertificate(Credential credential)
    {
        if (credential.ProtectedCertificate is not { } protectedCertificate || protector.TryUnprotectCertificate(protectedCertificate) is not { } bytes)
        {
            return null;
        }

        try
        {
            return ClientCertificate.Load(bytes, null).Value;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Protects a certificate with its key for storage.</summary>
    internal string Protect(ClientCertificate certificate)
    {
        var exported = certificate.Export();
        try
        {
            return protector.ProtectCertificate(exported);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(exported);
        }
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
