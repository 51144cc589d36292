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
/// Adds, changes and deletes credentials, auditing each step; the one way the console, API and CLI change them.
/// Live token requests are <see cref="CredentialValidator"/>'s, and secrets leave storage only through <see cref="CredentialSecrets"/>.
/// </summary>
public sealed class CredentialStore(
    CredoDbContext db,
    AuditLog audit,
    CredentialSecrets secrets,
    ITokenCache tokenCache,
    IOptionsMonitor<OutboundOptions> outbound,
    OutboundGuard guard,
    TimeProvider time)
{
    internal const string EntityType = "credential";
    private const int AuditDetailsLength = 4000;

    /// <summary>All credentials by name.</summary>
    public async Task<IReadOnlyList<Credential>> ListAsync(CancellationToken cancellationToken) =>
        await db.Credentials.AsNoTracking().OrderBy(c => c.NormalizedName).ToListAsync(cancellationToken);

    /// <summary>One page of credentials by name, and how many there are in all.</summary>
    public async Task<(IReadOnlyList<Credential> Page, int Total)> PageAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        var total = await db.Credentials.CountAsync(cancellationToken);
        var page = await db.Credentials.AsNoTracking().OrderBy(c => c.NormalizedName).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);
        return (page, total);
    }

    /// <summary>One credential, or <see langword="null"/>.</summary>
    public Task<Credential?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);

    /// <summary>A credential by identifier or by name (any case), for the command line.</summary>
    public async Task<Credential?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        if (Guid.TryParse(idOrName, out var id))
        {
            return await GetAsync(id, cancellationToken);
        }

        var normalized = Normalize(idOrName);
        return await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.NormalizedName == normalized, cancellationToken);
    }

    /// <summary>Adds a credential; the secret is required. <paramref name="validated"/> is kept as its last validation.</summary>
    public async Task<Change<Credential>> CreateAsync(CredentialInput input, string actor, CancellationToken cancellationToken, LastValidation? validated = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = CredentialRules.Check(input, outbound.CurrentValue.AllowHttp, secretRequired: true);
        using var certificate = input.Type == CredentialType.OAuth2ClientCertificate ? secrets.ReadCertificate(input, null, errors) : null;
        var reference = secrets.ReferenceOf(input, null, errors);
        await CheckNameFreeAsync(input.Name, null, errors, cancellationToken);
        await CheckDestinationAsync(input, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return Change<Credential>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var credential = new Credential { Id = Guid.NewGuid(), Type = input.Type, Version = 1, CreatedAt = now, UpdatedAt = now };
        Apply(credential, input, certificate, reference);
        Record(credential, validated);
        db.Credentials.Add(credential);
        var secret = reference is not null ? "Secret Reference" : credential.Type == CredentialType.OAuth2ClientCertificate ? "Certificate" : "Client Secret";
        var fields = credential.Type == CredentialType.OAuth2ClientCertificate
            ? $"Name, Client Identifier, {secret}, Token Endpoint, Scopes, Signing Algorithm"
            : $"Name, Client Identifier, {secret}, Token Endpoint, Scopes, Authentication Method" + (credential.SecretExpiresOn is null ? "" : ", Secret expires on");
        var about = certificate is not null ? $"; Certificate: {certificate.Subject}, SHA-256 {certificate.Sha256Thumbprint}"
            : reference is not null ? $"; Secret Reference: {reference}"
            : "";
        audit.Record(actor, "create", EntityType, credential.Id.ToString(), credential.Name,
            Truncate($"fields: {fields}; Token Endpoint: {credential.TokenEndpoint}; Resource Hosts: {CredentialResources.Describe(CredentialResources.HostsOf(credential))}{about}", AuditDetailsLength));
        return await SaveAsync(credential, input.Name, cancellationToken);
    }

    /// <summary>
    /// Changes a credential read at <paramref name="expectedVersion"/>. An empty secret keeps the stored one, but only
    /// for the Token Endpoint and Client Identifier it was saved with: changing either needs the secret typed again
    /// (<see cref="CredentialRules.RetypeSecret"/>). If someone else saved in between, nothing is saved and the result is
    /// <see cref="ChangeStatus.Conflict"/>. A change clears the last validation, unless
    /// <paramref name="validated"/> says the new values were just validated.
    /// </summary>
    public async Task<Change<Credential>> UpdateAsync(Guid id, long expectedVersion, CredentialInput input, string actor, CancellationToken cancellationToken, LastValidation? validated = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var credential = await db.Credentials.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return NotFound(id);
        }

        if (credential.Version != expectedVersion)
        {
            return Conflict(credential);
        }

        // The type is fixed once the credential exists: a secret is never swapped for a certificate in place.
        input.Type = credential.Type;
        var errors = CredentialRules.Check(input, outbound.CurrentValue.AllowHttp, secretRequired: false);
        using var certificate = credential.Type == CredentialType.OAuth2ClientCertificate ? secrets.ReadCertificate(input, credential, errors) : null;
        var reference = secrets.ReferenceOf(input, credential, errors);
        if (credential.Type == CredentialType.OAuth2ClientCredentials && credential.SecretReference is null)
        {
            RefuseRedirectedStoredSecret(credential, input, errors);
        }

        await CheckNameFreeAsync(input.Name, id, errors, cancellationToken);
        await CheckDestinationAsync(input, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return Change<Credential>.Invalid(errors);
        }

        var uploaded = input.CertificateFile is { Length: > 0 } ? certificate : null;
        var changed = CredentialChanges.Fields(credential, input, secrets, uploaded?.Sha256Thumbprint);
        if (changed.Count == 0)
        {
            return Change<Credential>.Done(credential);
        }

        // Where the secret goes is what an auditor needs to see, so the endpoint is recorded, not only named.
        var details = "fields: " + string.Join(", ", changed);
        if (changed.Contains(CredentialFields.Label(CredentialFields.TokenEndpoint)))
        {
            details += $"; Token Endpoint: {credential.TokenEndpoint} → {input.TokenEndpoint!.Trim()}";
        }

        if (changed.Contains(CredentialFields.Label(CredentialFields.ClientId)))
        {
            details += $"; Client Identifier: {credential.ClientId} → {input.ClientId}";
        }

        if (changed.Contains(CredentialFields.Label(CredentialFields.ResourceHosts)))
        {
            details += $"; Resource Hosts: {CredentialResources.Describe(CredentialResources.HostsOf(credential))} → {CredentialResources.Describe(ResourceHosts.Of(input.ResourceHosts, ScopeSet.Parse(input.Scopes!)))}";
        }

        if (uploaded is not null && changed.Contains(CredentialFields.Label(CredentialFields.Certificate)))
        {
            details += $"; Certificate: SHA-256 {credential.CertificateThumbprint ?? "none"} → {uploaded.Sha256Thumbprint} ({uploaded.Subject})";
        }

        if (credential.SecretReference != reference?.Text)
        {
            details += $"; Secret Reference: {credential.SecretReference ?? "none (stored in Credo)"} → {reference?.Text ?? "none (stored in Credo)"}";
        }

        Apply(credential, input, uploaded, reference);

        // The version is the concurrency token: the UPDATE matches only the row as it was read.
        db.Entry(credential).Property(c => c.Version).OriginalValue = expectedVersion;
        credential.Version = expectedVersion + 1;
        credential.UpdatedAt = time.GetUtcNow();
        Record(credential, validated);
        audit.Record(actor, "update", EntityType, id.ToString(), credential.Name, Truncate(details, AuditDetailsLength));
        var result = await SaveAsync(credential, input.Name, cancellationToken);
        if (result.Status == ChangeStatus.Done)
        {
            tokenCache.Remove(id.ToString());
        }

        return result;
    }

    /// <summary>Deletes a credential.</summary>
    public async Task<Change<Credential>> DeleteAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var credential = await db.Credentials.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return NotFound(id);
        }

        var users = await db.EmailListeners.AsNoTracking().Where(l => l.CredentialId == id).OrderBy(l => l.NormalizedName).Select(l => l.Name).ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            return Change<Credential>.Refused(
                ChangeStatus.InUse,
                credential,
                $"\"{credential.Name}\" is used by the Email Listener{(users.Count == 1 ? "" : "s")} {string.Join(", ", users.Select(u => $"\"{u}\""))}; choose another credential there, or delete {(users.Count == 1 ? "it" : "them")}, first.");
        }

        db.Credentials.Remove(credential);
        audit.Record(actor, "delete", EntityType, id.ToString(), credential.Name);
        await db.SaveChangesAsync(cancellationToken);
        tokenCache.Remove(id.ToString());
        return Change<Credential>.Done(credential);
    }

    private static void RefuseRedirectedStoredSecret(Credential stored, CredentialInput input, Dictionary<string, string> errors)
    {
        if (CredentialRules.RedirectsStoredSecret(stored, input))
        {
            errors[CredentialFields.ClientSecret] = CredentialRules.RetypeSecret;
        }
    }

    private static void Record(Credential credential, LastValidation? validation) => CredentialChanges.Record(credential, validation);

    private void Apply(Credential credential, CredentialInput input, ClientCertificate? certificate, SecretReference? reference)
    {
        // With a reference Credo keeps no secret and no certificate; a secret or certificate given now replaces the reference.
        credential.SecretReference = reference?.Text;
        if (reference is not null)
        {
            credential.ProtectedClientSecret = "";
            credential.ProtectedCertificate = null;
            credential.CertificateSubject = null;
            credential.CertificateThumbprint = null;
            credential.CertificateNotAfter = null;
        }

        credential.Name = input.Name!.Trim();
        credential.NormalizedName = Normalize(credential.Name);
        credential.ClientId = input.ClientId!;
        credential.TokenEndpoint = input.TokenEndpoint!.Trim();
        credential.Scopes = ScopeSet.Parse(input.Scopes!).Value;
        credential.ResourceHosts = string.IsNullOrWhiteSpace(input.ResourceHosts) ? null : ResourceHosts.Parse(input.ResourceHosts).Value;
        if (credential.Type == CredentialType.OAuth2ClientCertificate)
        {
            credential.AuthenticationMethod = ClientAuthenticationMethod.PrivateKeyJwt;
            if (certificate is not null)
            {
                credential.ProtectedCertificate = secrets.Protect(certificate);
                credential.CertificateSubject = certificate.Subject;
                credential.CertificateThumbprint = certificate.Sha256Thumbprint;
                credential.CertificateNotAfter = certificate.NotAfter;
            }

            credential.SigningAlgorithm = input.SigningAlgorithm ?? certificate?.DefaultAlgorithm ?? credential.SigningAlgorithm;
            return;
        }

        credential.AuthenticationMethod = input.AuthenticationMethod;
        credential.SecretExpiresOn = input.SecretExpiresOn;
        if (!string.IsNullOrEmpty(input.ClientSecret))
        {
            credential.ProtectedClientSecret = secrets.Protect(input.ClientSecret);
        }
    }

    private async Task CheckNameFreeAsync(string? name, Guid? except, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        if (errors.ContainsKey(CredentialFields.Name) || string.IsNullOrWhiteSpace(name))
        {
            return;
        }

        var normalized = Normalize(name.Trim());
        if (await db.Credentials.AnyAsync(c => c.NormalizedName == normalized && c.Id != except, cancellationToken))
        {
            errors[CredentialFields.Name] = NameTaken(name);
        }
    }

    // What connecting will refuse (metadata addresses, Credo:Outbound) is refused when saved already.
    private async Task CheckDestinationAsync(CredentialInput input, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        if (!errors.ContainsKey(CredentialFields.TokenEndpoint) && Uri.TryCreate(input.TokenEndpoint?.Trim(), UriKind.Absolute, out var endpoint)
            && await guard.RefusalAsync(endpoint, cancellationToken) is { } refusal)
        {
            errors[CredentialFields.TokenEndpoint] = refusal;
        }
    }

    private async Task<Change<Credential>> SaveAsync(Credential credential, string? name, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Change<Credential>.Done(credential);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == credential.Id, cancellationToken);
            return current is null ? NotFound(credential.Id) : Conflict(current);
        }
        catch (DbUpdateException)
        {
            // Another request may have taken the name between the check and the insert; the unique index caught it.
            db.ChangeTracker.Clear();
            if (!await NameTakenAsync(credential, cancellationToken))
            {
                throw;
            }

            return Change<Credential>.Invalid(new Dictionary<string, string> { [CredentialFields.Name] = NameTaken(name) });
        }
    }

    private async Task<bool> NameTakenAsync(Credential credential, CancellationToken cancellationToken) =>
        await db.Credentials.AsNoTracking().AnyAsync(c => c.NormalizedName == credential.NormalizedName && c.Id != credential.Id, cancellationToken);

    private static Change<Credential> Conflict(Credential current) => Change<Credential>.Refused(
        ChangeStatus.Conflict,
        current,
        $"Someone else changed \"{current.Name}\" after you opened it, so your changes were not saved. Your values are still in the form: compare them with the current ones (reload in another tab), then save again.");

    private static Change<Credential> NotFound(Guid id) => Change<Credential>.NotFound($"There is no credential {id}; it may have been deleted.");

    private static string NameTaken(string? name) =>
        $"A credential named \"{name?.Trim()}\" already exists (names are compared without regard to case); choose another name.";

    private static string Normalize(string name) => name.Trim().ToUpperInvariant();

    private static string Truncate(string text, int max) => CredentialChanges.Truncate(text, max);
}
