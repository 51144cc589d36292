using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Credo.Tests;

/// <summary>Self-signed client certificates made in the test, and the files an administrator would export from them.</summary>
public static class TestCertificates
{
    public static X509Certificate2 Rsa(int bits = 2048, string subject = "CN=credo-test-rsa")
    {
        using var key = RSA.Create(bits);
        return SelfSigned(new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static X509Certificate2 Ec(ECCurve curve, string subject = "CN=credo-test-ec")
    {
        using var key = ECDsa.Create(curve);
        return SelfSigned(new CertificateRequest(subject, key, HashAlgorithmName.SHA256));
    }

    public static X509Certificate2 EcP256(string subject = "CN=credo-test-ec") => Ec(ECCurve.NamedCurves.nistP256, subject);

    /// <summary>The certificate then its PKCS#8 private key as PEM; the key encrypted with <paramref name="password"/> when given.</summary>
    public static byte[] Pem(X509Certificate2 certificate, string? password = null) =>
        Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + KeyPem(certificate, password) + "\n");

    /// <summary>The private key alone as PKCS#8 PEM, encrypted with <paramref name="password"/> when given.</summary>
    public static string KeyPem(X509Certificate2 certificate, string? password = null)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no private key.");
        return password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
    }

    /// <summary>A PKCS#12 file with the certificate and its key, protected by <paramref name="password"/> (none when null).</summary>
    public static byte[] Pfx(X509Certificate2 certificate, string? password = null) =>
        certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);

    /// <summary>The public certificate as PEM, as it is uploaded to an authorization server.</summary>
    public static string PublicPem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    private static X509Certificate2 SelfSigned(CertificateRequest request)
    {
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
