namespace Credo.Imap;

/// <summary>The SASL mechanism that carries the bearer token.</summary>
public enum ImapSasl
{
    /// <summary><c>XOAUTH2</c>, as Exchange Online and Gmail expect.</summary>
    XOAuth2,

    /// <summary><c>OAUTHBEARER</c> (RFC 7628).</summary>
    OAuthBearer,
}
