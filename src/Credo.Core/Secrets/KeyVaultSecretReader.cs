using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Credo.Net;
using Credo.Net.Outbound;

namespace Credo.Core.Secrets;

/// <summary>
/// Reads an Azure Key Vault secret through the official client, signed in with Azure.Identity: the client secret or
/// certificate of the vault's configuration, else workload identity, else a managed identity.
/// </summary>
internal sealed class KeyVaultSecretReader(OutboundGuard guard) : IDisposable
{
    private readonly ConcurrentDictionary<string, VaultClient> _clients = new(StringComparer.Ordinal);

    public async Task<Result<(string, string?, string?), SecretSourceFailure>> ReadAsync(SecretReference reference, KeyVaultSourceOptions options, CancellationToken cancellationToken)
    {
        var vault = $"the Key Vault \"{reference.Source}\" at {options.VaultUri!.Host}";
        // Every setting is part of the key (the secret by its per-process hash), so a changed configuration gets a new client.
        var key = $"{reference.Source}|{options.VaultUri}|{options.ClientId}|{options.TenantId}|{options.AuthorityHost}|{options.TrustedCertificateFile}|" +
            $"{options.DisableChallengeResourceVerification}|{options.ClientCertificateFile}|{string.GetHashCode(options.ClientSecret ?? "", StringComparison.Ordinal)}";
        var client = SourceHttp.Client(_clients, key, () => Create(options, $"Credo:SecretSources:AzureKeyVault:{reference.Source}"), c => c.Http);
        if (!client.Succeeded)
        {
            return client.Error;
        }

        try
        {
            var secret = (await client.Value!.Secrets.GetSecretAsync(reference.Name, reference.Version, cancellationToken)).Value;
            return (secret.Value ?? "", secret.Properties.Version, secret.Properties.ContentType);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.NotFound,
                $"{vault} has no secret {reference.Name}{(reference.Version is null ? "" : $" in version {reference.Version}")} ({reference}).",
                "Check the secret's name (and version), or add it to the vault.");
        }
        catch (Exception e) when (e is RequestFailedException { Status: 401 or 403 } or AuthenticationFailedException or CredentialUnavailableException)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.Refused,
                $"{vault} refused to let Credo read {reference}: {(e is RequestFailedException r ? $"HTTP {r.Status} {r.ErrorCode}" : $"signing in to Microsoft Entra failed ({e.GetType().Name})")}.",
                $"Give Credo's identity the \"Key Vault Secrets User\" role on the vault (or a Get secret access policy), and check how it signs in (Credo:SecretSources:AzureKeyVault:{reference.Source}).");
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or TaskCanceledException or OutboundRequestBlockedException or AggregateException && !cancellationToken.IsCancellationRequested)
        {
            return VaultSecretReader.Unreachable(vault, reference, e);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Http.Dispose();
        }
    }

    private Result<VaultClient, SecretSourceFailure> Create(KeyVaultSourceOptions options, string section)
    {
        var created = SourceHttp.Create(guard, options.TrustedCertificateFile, section);
        if (!created.Succeeded)
        {
            return created.Error;
        }

        var http = created.Value!;
        var transport = new HttpClientTransport(http);
        TokenCredential credential;
        if (!string.IsNullOrEmpty(options.ClientSecret) || !string.IsNullOrEmpty(options.ClientCertificateFile))
        {
            var identity = new ClientSecretCredentialOptions { Transport = transport, AuthorityHost = options.AuthorityHost ?? AzureAuthorityHosts.AzurePublicCloud };
            identity.DisableInstanceDiscovery = options.AuthorityHost is not null;
            credential = !string.IsNullOrEmpty(options.ClientSecret)
                ? new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret, identity)
                : new ClientCertificateCredential(options.TenantId, options.ClientId, options.ClientCertificateFile, new ClientCertificateCredentialOptions
                {
                    Transport = transport,
                    AuthorityHost = identity.AuthorityHost,
                    DisableInstanceDiscovery = identity.DisableInstanceDiscovery,
                });
        }
        else if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE")))
        {
            credential = new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { Transport = transport, ClientId = options.ClientId ?? Environment.GetEnvironmentVariable("AZURE_CLIENT_ID") });
        }
        else
        {
            credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(
                string.IsNullOrEmpty(options.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(options.ClientId))
            {
                Transport = transport,
            });
        }

        var client = new SecretClient(options.VaultUri, credential, new SecretClientOptions
        {
            Transport = transport,
            DisableChallengeResourceVerification = options.DisableChallengeResourceVerification,
            Retry = { MaxRetries = 1, NetworkTimeout = SourceHttp.Timeout },
        });
        return new VaultClient(client, http);
    }

    private sealed record VaultClient(SecretClient Secrets, HttpClient Http);
}
