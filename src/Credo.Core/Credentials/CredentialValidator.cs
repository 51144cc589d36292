using Credo.Core.Audit;
using Credo.Core.Credentials.Internal;
using Credo.Core.Persistence;
using Credo.Net.Outbound;
using Credo.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Core.Credentials;

/// <summary>
/// <b>Validate</b>: a real token request with the values as typed, reported with what the token allows
/// (<see cref="PermissionCheck"/>) and audited; kept as the credential's last validation when the values are the stored ones.
/// </summary>
public sealed class CredentialValidator(
    CredoDbContext db,
    AuditLog audit,
    CredentialSecrets secrets,
    ITokenClient tokenClient,
    IOptionsMonitor<OutboundOptions> outbound,
    TimeProvider time)
{
    private const string StoredSecretUnreadable =
        "The stored client secret can no longer be decrypted (the Data Protection key it was protected with is gone from the key ring); type it again.";

    /// <summary>
    /// Runs a real token request with <paramref name="input"/> as typed, unsaved. For an existing credential
    /// (<paramref name="existingId"/>) an empty secret means the stored one, which is sent only to the stored Token
    /// Endpoint with the stored Client Identifier: otherwise nothing is sent and the report holds a field error.
    /// When the values are the stored ones the outcome is kept as its last validation.
    /// </summary>
    public async Task<CredentialValidation> ValidateAsync(CredentialInput input, Guid? existingId, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = existingId is { } id ? await db.Credentials.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) : null;
        if (stored is not null)
        {
            input.Type = stored.Type;
        }

        var errors = CredentialRules.Check(input, outbound.CurrentValue.AllowHttp, secretRequired: stored is null);
        using var certificate = input.Type == CredentialType.OAuth2ClientCertificate ? secrets.ReadCertificate(input, stored, errors) : null;
        if (input.Type == CredentialType.OAuth2ClientCredentials && stored is not null && CredentialRules.RedirectsStoredSecret(stored, input))
        {
            errors[CredentialFields.ClientSecret] = CredentialRules.RetypeSecret;
        }

        if (errors.Count > 0)
        {
            return new CredentialValidation { Errors = errors };
        }

        ClientCredentials credentials;
        CredentialExpiry? expiry;
        if (certificate is not null)
        {
            credentials = new ClientCredentials(
                new Uri(input.TokenEndpoint!.Trim()),
                input.ClientId!,
                certificate,
                ScopeSet.Parse(input.Scopes!),
                input.SigningAlgorithm ?? certificate.DefaultAlgorithm);
            expiry = CredentialExpiry.Of(CredentialType.OAuth2ClientCertificate, null, certificate.NotAfter, time.GetUtcNow());
        }
        else
        {
            if ((string.IsNullOrEmpty(input.ClientSecret) ? secrets.Stored(stored!) : new Secret(input.ClientSecret)) is not { } secret)
            {
                return new CredentialValidation { Errors = new Dictionary<string, string> { [CredentialFields.ClientSecret] = StoredSecretUnreadable } };
            }

            credentials = new ClientCredentials(
                new Uri(input.TokenEndpoint!.Trim()),
                input.ClientId!,
                secret,
                ScopeSet.Parse(input.Scopes!),
                input.AuthenticationMethod);
            expiry = CredentialExpiry.Of(CredentialType.OAuth2ClientCredentials, input.SecretExpiresOn, null, time.GetUtcNow());
        }

        var validation = CredentialValidation.From(await tokenClient.RequestTokenAsync(credentials, cancellationToken), credentials.Scopes, expiry?.ExpiredHint);

        var name = input.Name?.Trim() ?? "";
        if (stored is not null && CredentialChanges.Fields(stored, input, secrets, input.CertificateFile is { Length: > 0 } ? certificate?.Sha256Thumbprint : null).Count == 0)
        {
            CredentialChanges.Record(stored, new LastValidation(time.GetUtcNow(), validation.Succeeded, validation.Summary));
            name = stored.Name;
        }

        audit.Record(actor, "validate", CredentialStore.EntityType, stored?.Id.ToString() ?? "(unsaved)", name, CredentialChanges.Truncate(validation.Summary, 4000));
        await db.SaveChangesAsync(cancellationToken);
        return validation;
    }
}
