namespace Credo.Sandbox;

/// <summary>A client registered with the sandbox authorization server.</summary>
public sealed class SandboxClient
{
    /// <summary>HTTP Basic client authentication.</summary>
    public const string ClientSecretBasic = "client_secret_basic";

    /// <summary>Client authentication in the request body.</summary>
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>Client authentication by a JWT client assertion signed with the key of <see cref="Certificate"/> (RFC 7523).</summary>
    public const string PrivateKeyJwt = "private_key_jwt";

    private readonly IReadOnlyList<string>? _authenticationMethods;

    /// <summary>The scope Exchange Online expects for EWS with app-only access.</summary>
    public const string ExchangeOnlineScope = "https://outlook.office365.com/.default";

    /// <summary>The scope Microsoft Graph expects with app-only access.</summary>
    public const string GraphScope = "https://graph.microsoft.com/.default";

    /// <summary>The scope Azure Key Vault expects; its tokens carry no roles, as Microsoft Entra's do not.</summary>
    public const string KeyVaultScope = "https://vault.azure.net/.default";

    /// <summary>The client identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client secret; empty for a client that authenticates only with <see cref="Certificate"/>.</summary>
    public string ClientSecret { get; init; } = "";

    /// <summary>
    /// The client's certificate (its public part) as PEM, as an administrator uploads it to an app registration in
    /// Microsoft Entra: client assertions signed with its key (RSA with PS256 or RS256, EC P-256 with ES256) authenticate
    /// the client. Default none.
    /// </summary>
    public string? Certificate { get; init; }

    /// <summary>
    /// The client authentication methods the client may use; default those its credentials allow: <see cref="ClientSecretBasic"/>
    /// and <see cref="ClientSecretPost"/> with a <see cref="ClientSecret"/>, <see cref="PrivateKeyJwt"/> with a <see cref="Certificate"/>.
    /// </summary>
    public IReadOnlyList<string> AuthenticationMethods
    {
        get => _authenticationMethods ?? [
            .. string.IsNullOrEmpty(ClientSecret) ? [] : new[] { ClientSecretBasic, ClientSecretPost },
            .. string.IsNullOrEmpty(Certificate) ? [] : new[] { PrivateKeyJwt }];
        init => _authenticationMethods = value;
    }

    /// <summary>The scopes the client may request; default <see cref="ExchangeOnlineScope"/>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [ExchangeOnlineScope];

    /// <summary>
    /// Application roles put in the <c>roles</c> claim of tokens for any resource but Microsoft Graph and Azure Key Vault (Exchange Online's
    /// <c>https://outlook.office365.com</c> above all), as Microsoft Entra does for app permissions; default
    /// <c>full_access_as_app</c>.
    /// </summary>
    public IReadOnlyList<string> Roles { get; init; } = ["full_access_as_app"];

    /// <summary>
    /// Application roles put in the <c>roles</c> claim of tokens for Microsoft Graph (<see cref="GraphScope"/>); default
    /// <c>Mail.ReadWrite</c>. With only <c>Mail.Read</c>, the Graph endpoint answers reads and refuses changes with 403.
    /// </summary>
    public IReadOnlyList<string> GraphRoles { get; init; } = ["Mail.ReadWrite"];

    /// <summary>
    /// Extra claims put into the client's access tokens (replacing one of the same type, such as <c>sub</c>) and so
    /// answered by introspection, for an IMAP server that takes the login user from a claim; default none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Claims { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The client of <c>credo sandbox</c> and <c>serve --demo</c>: <c>sandbox-client</c> / <c>sandbox-secret</c>, with
    /// the scopes <see cref="ExchangeOnlineScope"/>, <see cref="GraphScope"/> and <see cref="KeyVaultScope"/>.
    /// </summary>
    public static SandboxClient Default() => new() { ClientId = "sandbox-client", ClientSecret = "sandbox-secret", Scopes = [ExchangeOnlineScope, GraphScope, KeyVaultScope] };

    /// <summary>Describes the client without its secret or certificate.</summary>
    public override string ToString() => $"{ClientId} ({string.Join(", ", AuthenticationMethods)}; scopes {string.Join(' ', Scopes)})";
}
