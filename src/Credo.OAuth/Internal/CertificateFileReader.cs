using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Credo.Net;

namespace Credo.OAuth.Internal;

/// <summary>
/// Reads <see cref="ClientCertificate.Load"/>'s files: PEM or PKCS#12, with messages that say what to do about a file
/// that cannot be used. Nothing here logs, and no message repeats the password or key material.
/// </summary>
internal static class CertificateFileReader
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private const string Usage =
        "Use a PEM file with the certificate and its private key, or a PKCS#12 file (.pfx or .p12) exported with its private key.";

    private static readonly string Pkcs12Fix = string.Create(
        CultureInfo.InvariantCulture,
        $"Export the file again with at most {PasswordBasedEncryption.MaxIterations:N0} iterations, for example: openssl pkcs12 -in old.pfx -out all.pem, then openssl pkcs12 -export -in all.pem -iter {PasswordBasedEncryption.MaxIterations} -out new.pfx");

    // Each key derivation of a PKCS#12 file (its MAC, each encrypted SafeContents, each shrouded key) is bounded like a
    // PEM key's; in all, the usual certificates' and key's derivations at the bound.
    private static readonly Pkcs12LoaderLimits Pkcs12Limits = CreatePkcs12Limits();

    public static Result<ClientCertificate, string> Read(ReadOnlySpan<byte> file, string? password)
    {
        if (file.IsEmpty)
        {
            return Fail("The certificate file is empty. " + Usage);
        }

        if (file.Length > ClientCertificate.MaxFileBytes)
        {
            return Fail($"The certificate file is {file.Length} bytes long; at most {ClientCertificate.MaxFileBytes} are accepted. " + Usage);
        }

        return file.IndexOf("-----BEGIN "u8) >= 0 ? ReadPem(file, password) : ReadPkcs12(file, password);
    }

    private static Result<ClientCertificate, string> ReadPem(ReadOnlySpan<byte> file, string? password)
    {
        char[] text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(file).ToCharArray();
        }
        catch (DecoderFallbackException)
        {
            return Fail("The certificate file looks like PEM but is not text. " + Usage);
        }

        var certificates = new List<X509Certificate2>();
        (string Label, byte[] Der)? key = null;
        try
        {
            ReadOnlySpan<char> rest = text;
            while (PemEncoding.TryFind(rest, out var fields))
            {
                var label = rest[fields.Label].ToString();
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out _))
                {
                    return Fail($"The PEM block {label} is not valid base64. " + Usage);
                }

                switch (label)
                {
                    case "CERTIFICATE":
                        try
                        {
                            certificates.Add(X509CertificateLoader.LoadCertificate(der));
                        }
                        catch (CryptographicException)
                        {
                            return Fail("A CERTIFICATE block of the PEM file is not a valid X.509 certificate.");
                        }

                        break;
                    case "PRIVATE KEY" or "ENCRYPTED PRIVATE KEY" or "RSA PRIVATE KEY" or "EC PRIVATE KEY":
                        if (key is not null)
                        {
                            CryptographicOperations.ZeroMemory(der);
                            return Fail("The PEM file holds more than one private key; keep only the certificate's own key.");
                        }

                        key = (label, der);
                        break;
                    default:
                        CryptographicOperations.ZeroMemory(der);
                        break;
                }

                rest = rest[fields.Location.End..];
            }

            if (key is null)
            {
                return Fail(file.IndexOf("Proc-Type: 4,ENCRYPTED"u8) >= 0
                    ? "The private key is encrypted in the old OpenSSL format, which is not supported; convert it to PKCS#8 (openssl pkcs8 -topk8 -in key.pem) or export a .pfx."
                    : "The file holds no private key: " + Usage);
            }

            if (certificates.Count == 0)
            {
                return Fail("The file holds a private key but no certificate: add the certificate (-----BEGIN CERTIFICATE-----) to the file, or export a .pfx.");
            }

            var (opened, error) = OpenKey(key.Value.Label, key.Value.Der, password);
            if (opened is null)
            {
                return Fail(error!);
            }

            if (Check(opened) is { } keyError)
            {
                opened.Dispose();
                return Fail(keyError);
            }

            var match = certificates.FirstOrDefault(c => Matches(c, opened));
            if (match is null)
            {
                opened.Dispose();
                return Fail(certificates.Count == 1
                    ? "The private key does not belong to the certificate in the file."
                    : "The private key belongs to none of the certificates in the file.");
            }

            certificates.Remove(match);
            return Create(match, opened);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            if (key is { } k)
            {
                CryptographicOperations.ZeroMemory(k.Der);
            }

            Array.Clear(text);
        }
    }

    private static (AsymmetricAlgorithm? Key, string? Error) OpenKey(string label, byte[] der, string? password) => label switch
    {
        "ENCRYPTED PRIVATE KEY" => OpenEncryptedKey(der, password),
        "RSA PRIVATE KEY" => TryImport(RSA.Create(), key => key.ImportRSAPrivateKey(der, out _), "The RSA PRIVATE KEY block is not a valid RSA key."),
        "EC PRIVATE KEY" => TryImport(ECDsa.Create(), key => key.ImportECPrivateKey(der, out _), "The EC PRIVATE KEY block is not a valid EC key."),
        _ => ImportPkcs8(der, "The PRIVATE KEY block is not a valid PKCS#8 private key."),
    };

    // The parameters are checked before anything is derived, and the key is derived once: the decrypted PrivateKeyInfo
    // names its algorithm, where importing into RSA and then EC would pay the derivation twice.
    private static (AsymmetricAlgorithm? Key, string? Error) OpenEncryptedKey(byte[] der, string? password)
    {
        if (!PrivateKeyInfo.TryReadEncrypted(der, out var algorithm, out var encrypted))
        {
            return (null, "The ENCRYPTED PRIVATE KEY block is not a valid encrypted PKCS#8 private key.");
        }

        var encryption = PasswordBasedEncryption.Read(algorithm, out var problem);
        if (encryption is not { DecryptionProblem: null })
        {
            return (null, $"The private key is encrypted with {problem ?? encryption?.DecryptionProblem}. {PasswordBasedEncryption.PemFix}");
        }

        if (string.IsNullOrEmpty(password))
        {
            return (null, "The private key is encrypted: give the certificate password.");
        }

        const string WrongPassword = "The password does not decrypt the private key.";
        byte[] pkcs8;
        try
        {
            pkcs8 = encryption.Decrypt(password, encrypted);
        }
        catch (CryptographicException)
        {
            return (null, WrongPassword);
        }

        try
        {
            return ImportPkcs8(pkcs8, WrongPassword);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static (AsymmetricAlgorithm? Key, string? Error) ImportPkcs8(byte[] pkcs8, string invalid) => PrivateKeyInfo.AlgorithmOf(pkcs8) switch
    {
        PrivateKeyInfo.RsaOid => TryImport(RSA.Create(), key => key.ImportPkcs8PrivateKey(pkcs8, out _), invalid),
        PrivateKeyInfo.EcOid => TryImport(ECDsa.Create(), key => key.ImportPkcs8PrivateKey(pkcs8, out _), invalid),
        null => (null, invalid),
        var oid => (null, $"The private key is neither RSA nor EC (its algorithm is {oid}): use an RSA key of 2048 bits or more, or an EC P-256 key."),
    };

    private static (AsymmetricAlgorithm? Key, string? Error) TryImport<T>(T key, Action<T> import, string error)
        where T : AsymmetricAlgorithm
    {
        try
        {
            import(key);
            return (key, null);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            return (null, error);
        }
    }

    private static Result<ClientCertificate, string> ReadPkcs12(ReadOnlySpan<byte> file, string? password)
    {
        // DER (a certificate or a PKCS#12 file) starts with a SEQUENCE; anything else is not a certificate file at all.
        if (file[0] != 0x30)
        {
            return Fail("The file is neither PEM nor PKCS#12. " + Usage);
        }

        if (Pkcs12Parameters.FindProblem(file.ToArray()) is { } problem)
        {
            return Fail($"The PKCS#12 file is protected with {problem}. {Pkcs12Fix}");
        }

        X509Certificate2Collection collection;
        try
        {
            collection = X509CertificateLoader.LoadPkcs12Collection(file, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable, Pkcs12Limits);
        }
        catch (Pkcs12LoadLimitExceededException e) when (e.Message.Contains("Iteration", StringComparison.Ordinal))
        {
            // A shrouded key inside an encrypted SafeContents, which Pkcs12Parameters cannot see, or the sum of all of them.
            return Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"The PKCS#12 file is protected with more than {PasswordBasedEncryption.MaxIterations:N0} key-derivation iterations for one of its keys or certificates, or more than {Pkcs12Limits.TotalKdfIterationLimit:N0} in all, so that reading it could keep a processor busy for minutes or hours. {Pkcs12Fix}"));
        }
        catch (Pkcs12LoadLimitExceededException)
        {
            return Fail($"The PKCS#12 file holds more than Credo reads (at most {Pkcs12Limits.MaxCertificates} certificates and {Pkcs12Limits.MaxKeys} keys, each attribute once). Export only the certificate, its chain and its key.");
        }
        catch (CryptographicException)
        {
            if (IsBareCertificate(file))
            {
                return Fail("The file is a certificate without its private key (a .cer or .crt). " + Usage);
            }

            return Fail(string.IsNullOrEmpty(password)
                ? "The PKCS#12 file could not be read without a password: give the certificate password, or check that the file is a .pfx or .p12."
                : "Wrong password, or the file is not a PKCS#12 (.pfx or .p12) file.");
        }

        try
        {
            var withKey = collection.FirstOrDefault(c => c.HasPrivateKey);
            if (withKey is null)
            {
                return Fail("The PKCS#12 file holds no private key: export the certificate with its private key.");
            }

            AsymmetricAlgorithm? key = withKey.GetRSAPrivateKey() ?? (AsymmetricAlgorithm?)withKey.GetECDsaPrivateKey();
            if (key is null)
            {
                return Fail("The private key is neither RSA nor EC: use an RSA key of 2048 bits or more, or an EC P-256 key.");
            }

            // A copy that owns its key material, independent of how the platform keeps the PKCS#12 key.
            var copy = Copy(key);
            key.Dispose();
            if (Check(copy) is { } keyError)
            {
                copy.Dispose();
                return Fail(keyError);
            }

            return Create(X509CertificateLoader.LoadCertificate(withKey.RawData), copy);
        }
        finally
        {
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
        }
    }

    private static Pkcs12LoaderLimits CreatePkcs12Limits()
    {
        var limits = new Pkcs12LoaderLimits(Pkcs12LoaderLimits.Defaults)
        {
            MacIterationLimit = PasswordBasedEncryption.MaxIterations,
            IndividualKdfIterationLimit = PasswordBasedEncryption.MaxIterations,
            TotalKdfIterationLimit = 2 * PasswordBasedEncryption.MaxIterations,
        };
        limits.MakeReadOnly();
        return limits;
    }

    private static bool IsBareCertificate(ReadOnlySpan<byte> file)
    {
        try
        {
            X509CertificateLoader.LoadCertificate(file).Dispose();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static AsymmetricAlgorithm Copy(AsymmetricAlgorithm key)
    {
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            AsymmetricAlgorithm copy = key is RSA ? RSA.Create() : ECDsa.Create();
            copy.ImportPkcs8PrivateKey(pkcs8, out _);
            return copy;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static string? Check(AsymmetricAlgorithm key)
    {
        switch (key)
        {
            case RSA rsa when rsa.KeySize < ClientCertificate.MinRsaKeySize:
                return $"The certificate has an RSA key of {rsa.KeySize} bits; at least {ClientCertificate.MinRsaKeySize} are needed. Create a new certificate with a larger key.";
            case RSA:
                return null;
            case ECDsa ec:
                var curve = ec.ExportParameters(false).Curve;
                return curve.IsNamed && curve.Oid.Value == P256Oid
                    ? null
                    : $"The certificate has an EC key on curve {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "(explicit parameters)"}; EC keys must be P-256 (for ES256).";
            default:
                return "The private key is neither RSA nor EC: use an RSA key of 2048 bits or more, or an EC P-256 key.";
        }
    }

    private static bool Matches(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        switch (key)
        {
            case RSA rsa:
                using (var publicKey = certificate.GetRSAPublicKey())
                {
                    if (publicKey is null)
                    {
                        return false;
                    }

                    var a = publicKey.ExportParameters(false);
                    var b = rsa.ExportParameters(false);
                    return a.Modulus.AsSpan().SequenceEqual(b.Modulus) && a.Exponent.AsSpan().SequenceEqual(b.Exponent);
                }

            case ECDsa ec:
                using (var publicKey = certificate.GetECDsaPublicKey())
                {
                    if (publicKey is null)
                    {
                        return false;
                    }

                    var a = publicKey.ExportParameters(false).Q;
                    var b = ec.ExportParameters(false).Q;
                    return a.X.AsSpan().SequenceEqual(b.X) && a.Y.AsSpan().SequenceEqual(b.Y);
                }

            default:
                return false;
        }
    }

    private static Result<ClientCertificate, string> Create(X509Certificate2 certificate, AsymmetricAlgorithm key) =>
        Result.Success(new ClientCertificate(
            certificate,
            key,
            key is RSA ? ClientCertificateKeyType.Rsa : ClientCertificateKeyType.EcP256));

    private static Result<ClientCertificate, string> Fail(string error) => error;
}
