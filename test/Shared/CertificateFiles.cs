using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Credo.Tests;

/// <summary>Self-signed client certificates made on the spot, as the files an administrator would upload: PEM or PKCS#12.</summary>
public sealed class CertificateFiles : IDisposable
{
    private CertificateFiles(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        Certificate = certificate;
        Key = key;
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    private AsymmetricAlgorithm Key { get; }

    /// <summary>SHA-256 of the DER certificate, upper-case hex: what the console shows.</summary>
    public string Sha256Thumbprint => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>The base64 of the unencrypted PKCS#8 private key: what must never appear anywhere once uploaded.</summary>
    public string KeyBase64 => Convert.ToBase64String(Key switch
    {
        RSA rsa => rsa.ExportPkcs8PrivateKey(),
        ECDsa ec => ec.ExportPkcs8PrivateKey(),
        _ => throw new InvalidOperationException(),
    });

    /// <summary>An RSA 2048 certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static CertificateFiles Rsa(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new CertificateFiles(request.CreateSelfSigned(notBefore, notAfter), rsa);
    }

    /// <summary>An EC P-256 certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static CertificateFiles Ec(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, ec, HashAlgorithmName.SHA256);
        return new CertificateFiles(request.CreateSelfSigned(notBefore, notAfter), ec);
    }

    /// <summary>The certificate and its unencrypted PKCS#8 key as PEM.</summary>
    public byte[] Pem() => Encoding.ASCII.GetBytes(Certificate.ExportCertificatePem() + "\n" + Key.ExportPkcs8PrivateKeyPem() + "\n");

    /// <summary>A PKCS#12 file protected with <paramref name="password"/>.</summary>
    public byte[] Pfx(string password) => Certificate.Export(X509ContentType.Pkcs12, password);

    /// <summary>The public certificate alone, as PEM: what is registered at the authorization server.</summary>
    public string CertificatePem() => Certificate.ExportCertificatePem();

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
