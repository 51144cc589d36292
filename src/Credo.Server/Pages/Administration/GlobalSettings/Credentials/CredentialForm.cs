using Credo.Core.Credentials;
using Credo.Core.Secrets;
using Credo.OAuth;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

/// <summary>The values of the add/edit form. The secret and the certificate are write-only: they are never written back into the page.</summary>
public sealed class CredentialForm
{
    public CredentialType Type { get; set; }

    public string? Name { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? TokenEndpoint { get; set; }

    public string? Scopes { get; set; }

    /// <summary>"Resource Hosts": one per line; empty uses the hosts the scopes name.</summary>
    public string? ResourceHosts { get; set; }

    public ClientAuthenticationMethod AuthenticationMethod { get; set; } = ClientAuthenticationMethod.ClientSecretBasic;

    /// <summary>"Secret expires on".</summary>
    public DateOnly? SecretExpiresOn { get; set; }

    /// <summary>"Certificate": the uploaded file.</summary>
    public IFormFile? Certificate { get; set; }

    /// <summary>"Certificate Password": used to read the upload, never written back.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>"Signing Algorithm"; none means the key's default.</summary>
    public SigningAlgorithm? SigningAlgorithm { get; set; }

    /// <summary>
    /// "Secret Source": empty for "Stored in Credo", else the kind of source (<c>keyvault</c>, <c>vault</c>, <c>env</c>,
    /// <c>file</c>), whose <see cref="SecretReference"/> the form then shows instead of the secret or certificate.
    /// </summary>
    public string? SecretSource { get; set; }

    /// <summary>"Secret Reference"; on edit, empty keeps the stored one.</summary>
    public string? SecretReference { get; set; }

    /// <summary>The choices of "Secret Source", by value.</summary>
    public static IReadOnlyList<(string Value, string Label, string Example)> Sources { get; } =
    [
        ("", "Stored in Credo", ""),
        ("keyvault", "Azure Key Vault", "keyvault://NAME/SECRET[/VERSION]"),
        ("vault", "HashiCorp Vault or OpenBao", "vault://NAME/MOUNT/PATH#KEY"),
        ("env", "Environment variable", "env:VARIABLE"),
        ("file", "File", "file:/ABSOLUTE/PATH"),
    ];

    /// <summary>The "Secret Source" value of <paramref name="kind"/>.</summary>
    public static string SourceOf(SecretSourceKind kind) => kind switch
    {
        SecretSourceKind.AzureKeyVault => "keyvault",
        SecretSourceKind.Vault => "vault",
        SecretSourceKind.Environment => "env",
        _ => "file",
    };

    /// <summary>The version the edit is based on.</summary>
    public long Version { get; set; }

    /// <summary>A secret typed before <b>Validate</b>, protected and time-limited, so <b>Add</b> needs no retyping.</summary>
    public string? PendingSecret { get; set; }

    /// <summary>A certificate uploaded before <b>Validate</b>, protected and time-limited, so <b>Add</b> needs no second upload.</summary>
    public string? PendingCertificate { get; set; }

    /// <summary>Proof that <b>Validate</b> ran with these values, so <b>Add</b>/<b>Save</b> keeps its outcome.</summary>
    public string? ValidationStamp { get; set; }

    public CredentialInput ToInput(string? secret, byte[]? certificate, string? certificatePassword) => new()
    {
        Type = Type,
        Name = Name,
        ClientId = ClientId,
        ClientSecret = secret,
        TokenEndpoint = TokenEndpoint,
        Scopes = Scopes,
        ResourceHosts = ResourceHosts,
        AuthenticationMethod = AuthenticationMethod,
        SecretExpiresOn = SecretExpiresOn,
        CertificateFile = certificate,
        CertificatePassword = certificatePassword,
        SigningAlgorithm = SigningAlgorithm,
        SecretReference = string.IsNullOrEmpty(SecretSource) ? null : SecretReference,
    };

    public static CredentialForm From(Credential credential) => new()
    {
        Type = credential.Type,
        Name = credential.Name,
        ClientId = credential.ClientId,
        TokenEndpoint = credential.TokenEndpoint,
        Scopes = credential.Scopes,
        ResourceHosts = credential.ResourceHosts?.Replace(' ', '\n'),
        AuthenticationMethod = credential.AuthenticationMethod,
        SecretExpiresOn = credential.SecretExpiresOn,
        SigningAlgorithm = credential.SigningAlgorithm,
        SecretSource = Core.Secrets.SecretReference.TryParse(credential.SecretReference, out var reference, out _) ? SourceOf(reference.Kind) : "",
        Version = credential.Version,
    };

    /// <summary>Describes the form without the secret.</summary>
    public override string ToString() => $"{Name} ({ClientId})";
}
