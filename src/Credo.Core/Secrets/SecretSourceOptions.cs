namespace Credo.Core.Secrets;

/// <summary><c>Credo:SecretSources</c>: the vaults Secret References may name, and how long a read value is kept (README, "Secret sources").</summary>
public sealed class SecretSourceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:SecretSources";

    /// <summary>How long a value read from a source is kept in memory before the next read; default 5 minutes.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The beginnings of the environment variables <c>env:</c> references may read; default <c>CREDO_SECRET_</c>. Others are
    /// refused, so that whoever edits a credential cannot send the server's own settings (database, vault tokens) to a token
    /// endpoint of their choosing.
    /// </summary>
    public List<string> EnvironmentPrefixes { get; } = [];

    /// <summary>
    /// The folders whose files <c>file:</c> references may read; default <c>/run/secrets</c> (Docker's secrets). Others are
    /// refused, for the same reason as <see cref="EnvironmentPrefixes"/>: never list the data folder.
    /// </summary>
    public List<string> FileFolders { get; } = [];

    /// <summary>The prefixes in force: those configured, else <c>CREDO_SECRET_</c>.</summary>
    public IReadOnlyList<string> AllowedPrefixes => EnvironmentPrefixes.Count > 0 ? EnvironmentPrefixes : ["CREDO_SECRET_"];

    /// <summary>The folders in force: those configured, else <c>/run/secrets</c>.</summary>
    public IReadOnlyList<string> AllowedFolders => FileFolders.Count > 0 ? FileFolders : ["/run/secrets"];

    /// <summary>Azure Key Vaults by the NAME that <c>keyvault://NAME/…</c> references use.</summary>
    public Dictionary<string, KeyVaultSourceOptions> AzureKeyVault { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>HashiCorp Vault or OpenBao servers by the NAME that <c>vault://NAME/…</c> references use.</summary>
    public Dictionary<string, VaultSourceOptions> Vault { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// <c>Credo:SecretSources:AzureKeyVault:NAME</c>. Credo signs in with a client secret or certificate when one is given
/// here, else with workload identity (Kubernetes, <c>AZURE_FEDERATED_TOKEN_FILE</c>), else with a managed identity.
/// </summary>
public sealed class KeyVaultSourceOptions
{
    /// <summary>The vault, for example <c>https://contoso-credo.vault.azure.net/</c>.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The Microsoft Entra tenant of <see cref="ClientId"/>, for a client secret or certificate.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application Credo signs in as; for a managed identity, the user-assigned identity's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The application's client secret, when it signs in with one.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A PEM or PKCS#12 file with the application's certificate and key, when it signs in with one.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The Microsoft Entra authority for a client secret or certificate; default the public cloud's.</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>
    /// A PEM file with the certificate the vault's (and the authority's) TLS certificate must be or chain to, for a vault
    /// behind a private certificate authority; default the system's trust store.
    /// </summary>
    public string? TrustedCertificateFile { get; set; }

    /// <summary>
    /// Accept a bearer challenge from a vault whose host is not under <c>vault.azure.net</c> (sovereign clouds, private
    /// endpoints with their own names, the sandbox); default false.
    /// </summary>
    public bool DisableChallengeResourceVerification { get; set; }
}

/// <summary><c>Credo:SecretSources:Vault:NAME</c>: a HashiCorp Vault or OpenBao server and how Credo signs in (a token, a token file, or AppRole).</summary>
public sealed class VaultSourceOptions
{
    /// <summary>The server, for example <c>https://vault.contoso.com:8200</c>.</summary>
    public Uri? Address { get; set; }

    /// <summary>A Vault token.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding a Vault token, read at every sign-in (a Vault Agent sink, a Kubernetes secret).</summary>
    public string? TokenFile { get; set; }

    /// <summary>The AppRole role id, to sign in with AppRole.</summary>
    public string? RoleId { get; set; }

    /// <summary>A file holding the AppRole secret id.</summary>
    public string? SecretIdFile { get; set; }

    /// <summary>The Vault Enterprise or OpenBao namespace, sent as <c>X-Vault-Namespace</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>A PEM file with the certificate the server's TLS certificate must be or chain to; default the system's trust store.</summary>
    public string? TrustedCertificateFile { get; set; }
}
