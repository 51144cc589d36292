using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Credo.OAuth.Internal;

/// <summary>
/// The password-based encryption that an encrypted PKCS#8 key or a PKCS#12 file names in an AlgorithmIdentifier
/// (PBES2 with PBKDF2, or the older PKCS#5 v1.5 and PKCS#12 schemes), read before any key is derived. The file chooses
/// the iteration count, up to 2^31−1, and each iteration costs the server: PBKDF2 at the largest count keeps a core
/// busy for about an hour. So the count is bounded by <see cref="MaxIterations"/>, and an unknown key-derivation
/// function is refused rather than handed to a library whose cost Credo cannot judge.
/// </summary>
internal sealed class PasswordBasedEncryption
{
    /// <summary>
    /// The most key-derivation iterations a file may ask for: OWASP's recommendation for PBKDF2-HMAC-SHA256, and the
    /// bound .NET's older X509Certificate2 constructors apply to PKCS#12 data given without a password. Well under a
    /// second of work for one key.
    /// </summary>
    public const int MaxIterations = 600_000;

    private const string Pbes2Oid = "1.2.840.113549.1.5.13";
    private const string Pbkdf2Oid = "1.2.840.113549.1.5.12";
    private const string Des3CbcOid = "1.2.840.113549.3.7";
    private const string Unreadable = "parameters that cannot be read (the file may be damaged)";

    /// <summary>How to re-encrypt a PEM key that is refused here, for the messages.</summary>
    public static readonly string PemFix = string.Create(
        CultureInfo.InvariantCulture,
        $"Re-encrypt the key with PBKDF2, AES and at most {MaxIterations:N0} iterations, for example: openssl pkcs8 -topk8 -v2 aes-256-cbc -iter {MaxIterations} -in key.pem -out key-new.pem");

    private readonly HashAlgorithmName _prf;
    private readonly ReadOnlyMemory<byte> _salt;
    private readonly string? _cipherOid;
    private readonly int _keySize;
    private readonly ReadOnlyMemory<byte> _iv;

    private PasswordBasedEncryption(int iterations, string? decryptionProblem, HashAlgorithmName prf = default, ReadOnlyMemory<byte> salt = default, string? cipherOid = null, int keySize = 0, ReadOnlyMemory<byte> iv = default)
    {
        Iterations = iterations;
        DecryptionProblem = decryptionProblem;
        _prf = prf;
        _salt = salt;
        _cipherOid = cipherOid;
        _keySize = keySize;
        _iv = iv;
    }

    /// <summary>The iteration count, at most <see cref="MaxIterations"/>.</summary>
    public int Iterations { get; }

    /// <summary>
    /// Why <see cref="Decrypt"/> cannot open this scheme (a phrase that follows "encrypted with"), or <see langword="null"/>
    /// for PBES2 with PBKDF2 and AES-CBC or 3DES-CBC, what OpenSSL and .NET write. The older schemes are accepted in a
    /// PKCS#12 file, which the platform decrypts, but not in a PEM key, which is decrypted here.
    /// </summary>
    public string? DecryptionProblem { get; }

    /// <summary>
    /// Reads <paramref name="algorithmIdentifier"/>; <see langword="null"/> with a <paramref name="problem"/> (a phrase that
    /// follows "encrypted with") when the scheme, its key-derivation function or pseudo-random function is unknown, the
    /// iteration count is above <see cref="MaxIterations"/>, or the parameters cannot be read.
    /// </summary>
    public static PasswordBasedEncryption? Read(ReadOnlyMemory<byte> algorithmIdentifier, out string? problem)
    {
        try
        {
            var reader = new AsnReader(algorithmIdentifier, AsnEncodingRules.BER).ReadSequence();
            var scheme = reader.ReadObjectIdentifier();
            if (scheme == Pbes2Oid)
            {
                return ReadPbes2(reader.ReadSequence(), out problem);
            }

            if (LegacyScheme(scheme) is not { } legacy)
            {
                problem = $"the scheme {scheme}, which Credo does not read (it reads PBES2 with PBKDF2)";
                return null;
            }

            // PBEParameter (PKCS#5 v1.5) and pkcs-12PbeParams have the same shape: salt, then iterations.
            var parameters = reader.ReadSequence();
            parameters.ReadOctetString();
            var count = parameters.ReadInteger();
            problem = CheckIterations(count, legacy.Kdf);
            return problem is null
                ? new PasswordBasedEncryption(
                    (int)count,
                    $"the legacy scheme {legacy.Scheme}, which Credo does not read for PEM keys (it reads PBES2: PBKDF2 with AES-CBC or 3DES-CBC)")
                : null;
        }
        catch (AsnContentException)
        {
            problem = Unreadable;
            return null;
        }
    }

    /// <summary>
    /// Why the key-derivation function <paramref name="algorithmIdentifier"/> is refused (as for <see cref="Read"/>), or
    /// <see langword="null"/> for PBKDF2 within the limits: for PBMAC1, the PKCS#12 MAC of RFC 9579.
    /// </summary>
    public static string? CheckKdf(ReadOnlyMemory<byte> algorithmIdentifier)
    {
        try
        {
            ReadPbkdf2(new AsnReader(algorithmIdentifier, AsnEncodingRules.BER).ReadSequence(), out var problem);
            return problem;
        }
        catch (AsnContentException)
        {
            return Unreadable;
        }
    }

    /// <summary>
    /// Why <paramref name="count"/> iterations of <paramref name="kdf"/> are refused (a phrase that follows "encrypted
    /// with"), or <see langword="null"/> when the count is between 1 and <see cref="MaxIterations"/>.
    /// </summary>
    public static string? CheckIterations(BigInteger count, string kdf)
    {
        if (count < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"an iteration count of {count} ({kdf}), which is not valid");
        }

        return count > MaxIterations
            ? string.Create(CultureInfo.InvariantCulture, $"{count:N0} key-derivation iterations ({kdf}); Credo accepts at most {MaxIterations:N0}, so that reading a file cannot keep a processor busy for minutes or hours")
            : null;
    }

    /// <summary>
    /// Derives the key once (the iteration count already checked) and decrypts <paramref name="encrypted"/>; the caller
    /// clears the result. Throws <see cref="CryptographicException"/> when the password is wrong (bad padding), and
    /// <see cref="InvalidOperationException"/> when <see cref="DecryptionProblem"/> is set.
    /// </summary>
    public byte[] Decrypt(ReadOnlySpan<char> password, ReadOnlySpan<byte> encrypted)
    {
        if (DecryptionProblem is not null)
        {
            throw new InvalidOperationException(DecryptionProblem);
        }

        var key = new byte[_keySize];
        try
        {
            // UTF-8, as OpenSSL (the bytes typed) and .NET's own export and import use for PBES2.
            Rfc2898DeriveBytes.Pbkdf2(password, _salt.Span, key, Iterations, _prf);
#pragma warning disable CA5350 // 3DES-CBC only decrypts keys that were encrypted with it; nothing is encrypted with it here.
            using SymmetricAlgorithm cipher = _cipherOid == Des3CbcOid ? TripleDES.Create() : Aes.Create();
#pragma warning restore CA5350
            cipher.Key = key;
            return cipher.DecryptCbc(encrypted, _iv.Span, PaddingMode.PKCS7);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static PasswordBasedEncryption? ReadPbes2(AsnReader parameters, out string? problem)
    {
        if (ReadPbkdf2(parameters.ReadSequence(), out problem) is not { } pbkdf2)
        {
            return null;
        }

        var encryption = parameters.ReadSequence();
        var cipherOid = encryption.ReadObjectIdentifier();
        var (keySize, ivSize, cipherName) = Cipher(cipherOid);
        if (cipherName is null)
        {
            problem = $"the cipher {cipherOid}, which Credo does not read (it reads AES-CBC and 3DES-CBC)";
            return null;
        }

        if (keySize == 0)
        {
            // DES-CBC and RC2-CBC: a PKCS#12 file may still use them (the platform decrypts it), a PEM key may not.
            return new PasswordBasedEncryption(pbkdf2.Iterations, $"PBES2 with the cipher {cipherName}, which Credo does not read for PEM keys (it reads AES-CBC and 3DES-CBC)");
        }

        var iv = encryption.ReadOctetString();
        if (iv.Length != ivSize || (pbkdf2.KeyLength is { } length && length != keySize))
        {
            problem = Unreadable;
            return null;
        }

        return new PasswordBasedEncryption(pbkdf2.Iterations, null, pbkdf2.Prf, pbkdf2.Salt, cipherOid, keySize, iv);
    }

    // PBKDF2-params (RFC 8018 appendix A.2): salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1.
    private static Pbkdf2? ReadPbkdf2(AsnReader algorithmIdentifier, out string? problem)
    {
        var kdf = algorithmIdentifier.ReadObjectIdentifier();
        if (kdf != Pbkdf2Oid)
        {
            problem = $"the key-derivation function {KdfName(kdf)}, which Credo does not read (it reads PBKDF2)";
            return null;
        }

        var parameters = algorithmIdentifier.ReadSequence();
        var salt = parameters.ReadOctetString();
        var count = parameters.ReadInteger();
        problem = CheckIterations(count, "PBKDF2");
        if (problem is not null)
        {
            return null;
        }

        int? keyLength = null;
        if (parameters.HasData && parameters.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            if (!parameters.TryReadInt32(out var length))
            {
                problem = Unreadable;
                return null;
            }

            keyLength = length;
        }

        var prf = HashAlgorithmName.SHA1;
        if (parameters.HasData)
        {
            var prfOid = parameters.ReadSequence().ReadObjectIdentifier();
            if (PrfHash(prfOid) is not { } hash)
            {
                problem = $"PBKDF2 with the pseudo-random function {prfOid}, which Credo does not read (it reads HMAC with SHA-1, SHA-256, SHA-384 or SHA-512)";
                return null;
            }

            prf = hash;
        }

        return new Pbkdf2(salt, (int)count, keyLength, prf);
    }

    private static (string Scheme, string Kdf)? LegacyScheme(string oid) => oid switch
    {
        "1.2.840.113549.1.5.3" => ("pbeWithMD5AndDES-CBC", "PBKDF1"),
        "1.2.840.113549.1.5.6" => ("pbeWithMD5AndRC2-CBC", "PBKDF1"),
        "1.2.840.113549.1.5.10" => ("pbeWithSHA1AndDES-CBC", "PBKDF1"),
        "1.2.840.113549.1.5.11" => ("pbeWithSHA1AndRC2-CBC", "PBKDF1"),
        "1.2.840.113549.1.12.1.3" => ("pbeWithSHAAnd3-KeyTripleDES-CBC", "PKCS#12 key derivation"),
        "1.2.840.113549.1.12.1.4" => ("pbeWithSHAAnd2-KeyTripleDES-CBC", "PKCS#12 key derivation"),
        "1.2.840.113549.1.12.1.5" => ("pbeWithSHAAnd128BitRC2-CBC", "PKCS#12 key derivation"),
        "1.2.840.113549.1.12.1.6" => ("pbeWithSHAAnd40BitRC2-CBC", "PKCS#12 key derivation"),
        _ => null,
    };

    private static string KdfName(string oid) => oid switch
    {
        "1.3.6.1.4.1.11591.4.11" => $"scrypt ({oid})",
        _ => oid,
    };

    private static HashAlgorithmName? PrfHash(string oid) => oid switch
    {
        "1.2.840.113549.2.7" => HashAlgorithmName.SHA1,
        "1.2.840.113549.2.9" => HashAlgorithmName.SHA256,
        "1.2.840.113549.2.10" => HashAlgorithmName.SHA384,
        "1.2.840.113549.2.11" => HashAlgorithmName.SHA512,
        _ => null,
    };

    private static (int KeySize, int IvSize, string? Name) Cipher(string oid) => oid switch
    {
        "2.16.840.1.101.3.4.1.2" => (16, 16, "AES-128-CBC"),
        "2.16.840.1.101.3.4.1.22" => (24, 16, "AES-192-CBC"),
        "2.16.840.1.101.3.4.1.42" => (32, 16, "AES-256-CBC"),
        Des3CbcOid => (24, 8, "DES-EDE3-CBC"),
        "1.3.14.3.2.7" => (0, 0, "DES-CBC"),
        "1.2.840.113549.3.2" => (0, 0, "RC2-CBC"),
        _ => (0, 0, null),
    };

    private readonly record struct Pbkdf2(ReadOnlyMemory<byte> Salt, int Iterations, int? KeyLength, HashAlgorithmName Prf);
}
