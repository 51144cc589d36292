using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Credo.Net;

namespace Credo.OAuth;

/// <summary>
/// A client certificate with its private key (RSA of 2048 bits or more, or EC P-256), read once from a PEM or
/// PKCS#12 file by <see cref="Load"/>, that signs client assertions for <see cref="ClientAuthenticationMethod.PrivateKeyJwt"/>.
/// The key never leaves this object except through <see cref="Export"/>; <see cref="ToString"/> describes the
/// certificate only. Dispose it when the credential that uses it is gone.
/// </summary>
public sealed class ClientCertificate : IDisposable
{
    /// <summary>Largest certificate file accepted, in bytes.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Smallest RSA key accepted, in bits.</summary>
    public const int MinRsaKeySize = 2048;

    private readonly X509Certificate2 _certificate;
    private readonly AsymmetricAlgorithm _key;
    private bool _disposed;

    internal ClientCertificate(X509Certificate2 certificate, AsymmetricAlgorithm key, ClientCertificateKeyType keyType)
    {
        _certificate = certificate;
        _key = key;
        KeyType = keyType;
        KeySize = key.KeySize;
        Subject = certificate.Subject;
        Sha256Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        Sha1Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA1);
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        X5tS256 = Base64Url(SHA256.HashData(certificate.RawData));
#pragma warning disable CA5350 // x5t names the certificate for servers that only know SHA-1 thumbprints; nothing is signed with SHA-1.
        X5t = Base64Url(SHA1.HashData(certificate.RawData));
#pragma warning restore CA5350
    }

    /// <summary>The certificate's subject distinguished name, for example <c>CN=credo-prod</c>.</summary>
    public string Subject { get; }

    /// <summary>SHA-256 of the DER certificate in upper-case hex, no separators: what the console shows.</summary>
    public string Sha256Thumbprint { get; }

    /// <summary>SHA-1 of the DER certificate in upper-case hex: the "Thumbprint" Microsoft Entra lists for an uploaded certificate.</summary>
    public string Sha1Thumbprint { get; }

    /// <summary>Start of the certificate's validity (UTC).</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of the certificate's validity (UTC); servers refuse assertions signed by an expired certificate.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>RSA or EC P-256.</summary>
    public ClientCertificateKeyType KeyType { get; }

    /// <summary>The key size in bits (256 for P-256).</summary>
    public int KeySize { get; }

    /// <summary><see cref="SigningAlgorithm.PS256"/> for RSA keys, <see cref="SigningAlgorithm.ES256"/> for EC keys.</summary>
    public SigningAlgorithm DefaultAlgorithm => KeyType == ClientCertificateKeyType.Rsa ? SigningAlgorithm.PS256 : SigningAlgorithm.ES256;

    /// <summary>The base64url SHA-256 of the DER certificate: the assertion header's <c>x5t#S256</c>.</summary>
    internal string X5tS256 { get; }

    /// <summary>The base64url SHA-1 of the DER certificate: the assertion header's <c>x5t</c>.</summary>
    internal string X5t { get; }

    /// <summary>
    /// Reads a certificate and its private key from <paramref name="file"/>: PEM (a certificate and an unencrypted or
    /// encrypted PKCS#8 private key, or a PKCS#1/SEC1 one, in any order; with a chain, the certificate that matches the key)
    /// or PKCS#12 (.pfx/.p12). <paramref name="password"/> decrypts an encrypted key or a PKCS#12 file and is not kept.
    /// The work is bounded before any key is derived: a key-derivation iteration count above 600,000, or a key-derivation
    /// function other than PBKDF2, is refused at once; an encrypted PEM key must use PBES2 (PBKDF2 with AES-CBC or
    /// 3DES-CBC) and is decrypted once. Problems with the file are a failed result (<see cref="Result{T, TError}"/>), never an exception.
    /// </summary>
    public static Result<ClientCertificate, string> Load(ReadOnlySpan<byte> file, string? password) =>
        Internal.CertificateFileReader.Read(file, password);

    /// <summary>Whether <paramref name="algorithm"/> fits this key: <see langword="null"/> when it does, else why not.</summary>
    public string? CheckAlgorithm(SigningAlgorithm algorithm) => (KeyType, algorithm) switch
    {
        (_, var a) when !Enum.IsDefined(a) => $"Unknown signing algorithm {(int)a}; use PS256, RS256 or ES256.",
        (ClientCertificateKeyType.Rsa, SigningAlgorithm.ES256) => "ES256 needs an EC P-256 key, but the certificate has an RSA key: choose PS256 (or RS256 for servers without PS256).",
        (ClientCertificateKeyType.EcP256, not SigningAlgorithm.ES256) => $"{algorithm} needs an RSA key, but the certificate has an EC P-256 key: choose ES256.",
        _ => null,
    };

    /// <summary>
    /// The certificate and its private key as PEM (<c>CERTIFICATE</c> then an unencrypted PKCS#8 <c>PRIVATE KEY</c>,
    /// UTF-8), which <see cref="Load"/> reads back without a password. It holds the key in clear: protect it before
    /// storing it, and clear the array when done.
    /// </summary>
    public byte[] Export()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pkcs8 = _key switch
        {
            RSA rsa => rsa.ExportPkcs8PrivateKey(),
            ECDsa ec => ec.ExportPkcs8PrivateKey(),
            _ => throw new InvalidOperationException("Unexpected key type."),
        };
        var keyPem = PemEncoding.Write("PRIVATE KEY", pkcs8);
        try
        {
            var certificatePem = PemEncoding.Write("CERTIFICATE", _certificate.RawData);
            var bytes = new byte[Encoding.ASCII.GetByteCount(certificatePem) + Encoding.ASCII.GetByteCount(keyPem) + 2];
            var written = Encoding.ASCII.GetBytes(certificatePem, bytes);
            bytes[written++] = (byte)'\n';
            written += Encoding.ASCII.GetBytes(keyPem, bytes.AsSpan(written));
            bytes[written] = (byte)'\n';
            return bytes;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            Array.Clear(keyPem);
        }
    }

    /// <summary>The public certificate alone as PEM, to upload to the authorization server (in Microsoft Entra: Certificates &amp; secrets).</summary>
    public string ExportCertificatePem() => new(PemEncoding.Write("CERTIFICATE", _certificate.RawData));

    /// <summary>The public DER certificate.</summary>
    public byte[] GetCertificateDer() => _certificate.RawData;

    /// <summary>Describes the certificate (subject, key, thumbprint, validity); never the key.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Subject} ({(KeyType == ClientCertificateKeyType.Rsa ? "RSA " + KeySize : "EC P-256")}, SHA-256 {Sha256Thumbprint}, valid {NotBefore:yyyy-MM-dd} to {NotAfter:yyyy-MM-dd})");

    /// <summary>Releases the private key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _key.Dispose();
        _certificate.Dispose();
    }

    /// <summary>Signs <paramref name="data"/> (a JWS signing input) with the key as <paramref name="algorithm"/> requires.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data, SigningAlgorithm algorithm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (_key, algorithm) switch
        {
            (RSA rsa, SigningAlgorithm.PS256) => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            (RSA rsa, SigningAlgorithm.RS256) => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),

            // JWS wants r || s of fixed length (RFC 7518 §3.4), not the DER sequence .NET produces by default.
            (ECDsa ec, SigningAlgorithm.ES256) => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => throw new InvalidOperationException(CheckAlgorithm(algorithm) ?? $"{algorithm} does not fit the key."),
        };
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
