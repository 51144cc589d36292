namespace Credo.OAuth;

/// <summary>The JWS algorithm (RFC 7518 §3.1) that signs a client assertion.</summary>
public enum SigningAlgorithm
{
    /// <summary>RSASSA-PSS with SHA-256 and MGF1 with SHA-256; the default for RSA keys and what Microsoft Entra documents.</summary>
    PS256 = 0,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256, for servers that do not accept PS256.</summary>
    RS256 = 1,

    /// <summary>ECDSA with the P-256 curve and SHA-256; the only algorithm for EC keys.</summary>
    ES256 = 2,
}
