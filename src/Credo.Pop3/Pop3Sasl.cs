namespace Credo.Pop3;

/// <summary>The SASL mechanism of <c>AUTH</c> that carries the bearer token.</summary>
public enum Pop3Sasl
{
    /// <summary><c>XOAUTH2</c>, as Exchange Online expects.</summary>
    XOAuth2,

    /// <summary><c>OAUTHBEARER</c> (RFC 7628).</summary>
    OAuthBearer,
}
