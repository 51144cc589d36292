using Credo.Core.Audit;
using Credo.Core.Credentials.Internal;
using Credo.Core.Persistence;
using Credo.Core.Secrets;
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
        var reference = secrets.ReferenceOf(input, stored, errors);
        if (input.Type == CredentialType.OAuth2ClientCredentials && stored is { SecretReference: null } && CredentialRules.RedirectsStoredSecret(stored, input))
        {
            errors[CredentialFields.ClientSecret] = CredentialRules.RetypeSecret;
        }

        if (errors.Count > 0)
        {
            return new CredentialValidation { Errors = errors };
        }

        ClientCredentials credentials;
        CredentialExpiry? expiry;
        SecretRead? read = null;
        if (reference is not null)
        {
            // The source is read now, whatever is in memory: Validate checks the vault as it is.
            var readNow = await secrets.ReadAsync(reference, cancellationToken);
            var built = readNow.Succeeded
                ? CredentialSecrets.With(readNow.Value, input.Type, new Uri(input.TokenEndpoint!.Trim()), input.ClientId!, ScopeSet.Parse(input.Scopes!), input.AuthenticationMethod, input.SigningAlgorithm)
                : readNow.Error;
            if (!built.Succeeded)
            {
                return await RecordAsync(new CredentialValidation { Failure = built.Error.ToTokenFailure() }, input, stored, null, actor, cancellationToken);
            }

            credentials = built.Value;
            read = readNow.Value;
            expiry = CredentialExpiry.Of(input.Type, input.Type == CredentialType.OAuth2ClientCredentials ? input.SecretExpiresOn : null, credentials.Certificate?.NotAfter, time.GetUtcNow());
        }
        else if (certificate is not null)
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

        CredentialValidation validation;
        using (read is null ? null : credentials.Certificate)
        {
            validation = CredentialValidation.From(await tokenClient.RequestTokenAsync(credentials, cancellationToken), credentials.Scopes, expiry?.ExpiredHint, read?.Origin);
        }

        return await RecordAsync(validation, input, stored, certificate, actor, cancellationToken);
    }

    // Kept as the credential's last validation when the values are the stored ones; audited either way.
    private async Task<CredentialValidation> RecordAsync(CredentialValidation validation, CredentialInput input, Credential? stored, ClientCertificate? certificate, string actor, CancellationToken cancellationToken)
    {
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
