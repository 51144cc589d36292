namespace Credo.OAuth;

/// <summary>The kind of private key a <see cref="ClientCertificate"/> holds.</summary>
public enum ClientCertificateKeyType
{
    /// <summary>An RSA key of 2048 bits or more; signs with <see cref="SigningAlgorithm.PS256"/> or <see cref="SigningAlgorithm.RS256"/>.</summary>
    Rsa = 0,

    /// <summary>An elliptic-curve key on P-256; signs with <see cref="SigningAlgorithm.ES256"/>.</summary>
    EcP256 = 1,
}
