namespace Credo.OAuth;

/// <summary>How the client authenticates to the token endpoint (RFC 6749 §2.3.1, RFC 7523 §2.2).</summary>
public enum ClientAuthenticationMethod
{
    /// <summary>
    /// <c>client_secret_basic</c>: HTTP Basic with the form-urlencoded client identifier and secret.
    /// The default, and what RFC 6749 asks every server to support.
    /// </summary>
    ClientSecretBasic = 0,

    /// <summary>
    /// <c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> in the request body.
    /// Recommended for Microsoft Entra; otherwise RFC 6749 advises against it.
    /// </summary>
    ClientSecretPost = 1,

    /// <summary>
    /// <c>private_key_jwt</c>: a JWT client assertion signed with the private key of a <see cref="ClientCertificate"/>,
    /// sent as <c>client_assertion</c> in the request body (RFC 7523 §2.2). Microsoft recommends it over secrets.
    /// </summary>
    PrivateKeyJwt = 2,
}
