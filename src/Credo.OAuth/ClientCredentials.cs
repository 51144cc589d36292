namespace Credo.OAuth;

/// <summary>
/// The parameters of a client credentials grant: where to ask, who asks, for what, and how the client
/// authenticates: with a <see cref="ClientSecret"/> (HTTP Basic or in the body) or with a
/// <see cref="Certificate"/> that signs a client assertion (<see cref="ClientAuthenticationMethod.PrivateKeyJwt"/>).
/// Values are checked by <see cref="ClientCredentialsRules"/> before they get here.
/// </summary>
public sealed record ClientCredentials
{
    /// <summary>
    /// Creates the parameters of a client that authenticates with a secret; throws <see cref="ArgumentException"/> for
    /// values that break <see cref="ClientCredentialsRules"/> or for <see cref="ClientAuthenticationMethod.PrivateKeyJwt"/>
    /// (use the constructor that takes a <see cref="ClientCertificate"/>).
    /// </summary>
    public ClientCredentials(
        Uri tokenEndpoint,
        string clientId,
        Secret clientSecret,
        ScopeSet scopes,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic)
    {
        ArgumentNullException.ThrowIfNull(clientSecret);
        if (!Enum.IsDefined(authenticationMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(authenticationMethod));
        }

        if (authenticationMethod == ClientAuthenticationMethod.PrivateKeyJwt)
        {
            throw new ArgumentException("A client that authenticates with a private key JWT needs a certificate, not a secret.", nameof(authenticationMethod));
        }

        (TokenEndpoint, ClientId, Scopes) = Check(tokenEndpoint, clientId, scopes);
        ClientSecret = clientSecret;
        AuthenticationMethod = authenticationMethod;
    }

    /// <summary>
    /// Creates the parameters of a client that authenticates with a client assertion signed by
    /// <paramref name="certificate"/>'s key as <paramref name="signingAlgorithm"/>
    /// (<see cref="ClientAuthenticationMethod.PrivateKeyJwt"/>); throws <see cref="ArgumentException"/> for values that
    /// break <see cref="ClientCredentialsRules"/> or an algorithm that does not fit the key
    /// (<see cref="ClientCertificate.CheckAlgorithm"/>). The credentials use the certificate but do not own it.
    /// </summary>
    public ClientCredentials(
        Uri tokenEndpoint,
        string clientId,
        ClientCertificate certificate,
        ScopeSet scopes,
        SigningAlgorithm signingAlgorithm)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.CheckAlgorithm(signingAlgorithm) is { } algorithmError)
        {
            throw new ArgumentException(algorithmError, nameof(signingAlgorithm));
        }

        (TokenEndpoint, ClientId, Scopes) = Check(tokenEndpoint, clientId, scopes);
        Certificate = certificate;
        SigningAlgorithm = signingAlgorithm;
        AuthenticationMethod = ClientAuthenticationMethod.PrivateKeyJwt;
    }

    /// <summary>The token endpoint URL; also the <c>aud</c> of client assertions.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The client identifier (not a secret, but not shown to viewers needlessly either).</summary>
    public string ClientId { get; }

    /// <summary>
    /// The client secret, for <see cref="ClientAuthenticationMethod.ClientSecretBasic"/> and
    /// <see cref="ClientAuthenticationMethod.ClientSecretPost"/>; <see langword="null"/> for a certificate.
    /// Its <see cref="Secret.ToString"/> is redacted.
    /// </summary>
    public Secret? ClientSecret { get; }

    /// <summary>The certificate that signs client assertions, for <see cref="ClientAuthenticationMethod.PrivateKeyJwt"/>; else <see langword="null"/>.</summary>
    public ClientCertificate? Certificate { get; }

    /// <summary>The algorithm that signs client assertions, for <see cref="ClientAuthenticationMethod.PrivateKeyJwt"/>; else <see langword="null"/>.</summary>
    public SigningAlgorithm? SigningAlgorithm { get; }

    /// <summary>The scopes to request.</summary>
    public ScopeSet Scopes { get; }

    /// <summary>How the client authenticates: HTTP Basic (default), in the request body, or with a signed client assertion.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; }

    private static (Uri, string, ScopeSet) Check(Uri tokenEndpoint, string clientId, ScopeSet scopes)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentNullException.ThrowIfNull(scopes);
        if (!tokenEndpoint.IsAbsoluteUri || (tokenEndpoint.Scheme != Uri.UriSchemeHttps && tokenEndpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The token endpoint must be an absolute http or https URL.", nameof(tokenEndpoint));
        }

        if (ClientCredentialsRules.CheckClientId(clientId) is { } idError)
        {
            throw new ArgumentException(idError, nameof(clientId));
        }

        return (tokenEndpoint, clientId, scopes);
    }
}
