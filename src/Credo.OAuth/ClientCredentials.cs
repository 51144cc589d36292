namespace Credo.OAuth;

/// <summary>
/// The parameters of a client credentials grant: where to ask, who asks, for what, and how the client
/// authenticates. Values are checked by <see cref="ClientCredentialsRules"/> before they get here.
/// </summary>
public sealed record ClientCredentials
{
    /// <summary>Creates the parameters; throws <see cref="ArgumentException"/> for values that break <see cref="ClientCredentialsRules"/>.</summary>
    public ClientCredentials(
        Uri tokenEndpoint,
        string clientId,
        Secret clientSecret,
        ScopeSet scopes,
        ClientAuthenticationMethod authenticationMethod = ClientAuthenticationMethod.ClientSecretBasic)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentNullException.ThrowIfNull(clientSecret);
        ArgumentNullException.ThrowIfNull(scopes);
        if (!tokenEndpoint.IsAbsoluteUri || (tokenEndpoint.Scheme != Uri.UriSchemeHttps && tokenEndpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The token endpoint must be an absolute http or https URL.", nameof(tokenEndpoint));
        }

        if (ClientCredentialsRules.CheckClientId(clientId) is { } idError)
        {
            throw new ArgumentException(idError, nameof(clientId));
        }

        if (!Enum.IsDefined(authenticationMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(authenticationMethod));
        }

        TokenEndpoint = tokenEndpoint;
        ClientId = clientId;
        ClientSecret = clientSecret;
        Scopes = scopes;
        AuthenticationMethod = authenticationMethod;
    }

    /// <summary>The token endpoint URL.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The client identifier (not a secret, but not shown to viewers needlessly either).</summary>
    public string ClientId { get; }

    /// <summary>The client secret; its <see cref="Secret.ToString"/> is redacted.</summary>
    public Secret ClientSecret { get; }

    /// <summary>The scopes to request.</summary>
    public ScopeSet Scopes { get; }

    /// <summary>How the client authenticates: HTTP Basic (default) or in the request body.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; }
}
