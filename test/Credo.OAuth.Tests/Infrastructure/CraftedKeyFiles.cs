using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Credo.OAuth.Tests.Infrastructure;

/// <summary>
/// Encrypted PKCS#8 keys and PKCS#12 files whose key-derivation parameters are rewritten by hand with
/// <see cref="AsnWriter"/>: a real key derivation at these counts would take the test an hour, so the files name a
/// cost that nothing ever pays (or an algorithm nothing implements) around otherwise real contents.
/// </summary>
public static class CraftedKeyFiles
{
    public const string ScryptOid = "1.3.6.1.4.1.11591.4.11";

    private const string Pbes2Oid = "1.2.840.113549.1.5.13";
    private const string Pbkdf2Oid = "1.2.840.113549.1.5.12";
    private const string HmacSha256Oid = "1.2.840.113549.2.9";
    private const string Aes256CbcOid = "2.16.840.1.101.3.4.1.42";
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string EncryptedDataOid = "1.2.840.113549.1.7.6";
    private const string ShroudedKeyBagOid = "1.2.840.113549.1.12.10.1.2";

    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>The certificate's private key as an EncryptedPrivateKeyInfo (DER), encrypted as <paramref name="encryption"/> says.</summary>
    public static byte[] EncryptedKey(X509Certificate2 certificate, string password, PbeParameters encryption)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no private key.");
        return key.ExportEncryptedPkcs8PrivateKey(password, encryption);
    }

    /// <summary>The certificate, then <paramref name="encryptedKey"/> as an <c>ENCRYPTED PRIVATE KEY</c> block.</summary>
    public static byte[] Pem(X509Certificate2 certificate, byte[] encryptedKey) =>
        Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + new string(PemEncoding.Write("ENCRYPTED PRIVATE KEY", encryptedKey)) + "\n");

    /// <summary>
    /// <paramref name="encryptedKey"/> (PBES2) with, when given, its PBKDF2 iteration count replaced by <paramref name="iterations"/>
    /// and its key-derivation function's OID by <paramref name="kdfOid"/>; salt, cipher and data unchanged.
    /// </summary>
    public static byte[] WithKdf(byte[] encryptedKey, long? iterations, string? kdfOid = null)
    {
        var epki = new AsnReader(encryptedKey, AsnEncodingRules.DER).ReadSequence();
        var algorithm = epki.ReadSequence();
        var scheme = algorithm.ReadObjectIdentifier();
        var pbes2 = algorithm.ReadSequence();
        var kdf = pbes2.ReadSequence();
        var kdfAlgorithm = kdf.ReadObjectIdentifier();
        var pbkdf2 = kdf.ReadSequence();
        var salt = pbkdf2.ReadEncodedValue();
        var count = pbkdf2.ReadInteger();
        var rest = new List<ReadOnlyMemory<byte>>();
        while (pbkdf2.HasData)
        {
            rest.Add(pbkdf2.ReadEncodedValue());
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(scheme);
                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(kdfOid ?? kdfAlgorithm);
                        using (writer.PushSequence())
                        {
                            writer.WriteEncodedValue(salt.Span);
                            writer.WriteInteger(iterations ?? count);
                            rest.ForEach(value => writer.WriteEncodedValue(value.Span));
                        }
                    }

                    writer.WriteEncodedValue(pbes2.ReadEncodedValue().Span);
                }
            }

            writer.WriteEncodedValue(epki.ReadEncodedValue().Span);
        }

        return writer.Encode();
    }

    /// <summary>The encryption AlgorithmIdentifier of <paramref name="encryptedKey"/>.</summary>
    public static ReadOnlyMemory<byte> Algorithm(byte[] encryptedKey) =>
        new AsnReader(encryptedKey, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue();

    /// <summary>A PKCS#12 file of the certificate and its key whose MAC names <paramref name="iterations"/>.</summary>
    public static byte[] PfxWithMacIterations(X509Certificate2 certificate, string password, int iterations)
    {
        var pfx = new AsnReader(Pfx(certificate, password), AsnEncodingRules.BER).ReadSequence();
        var version = pfx.ReadEncodedValue();
        var authSafe = pfx.ReadEncodedValue();
        var macData = pfx.ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(version.Span);
            writer.WriteEncodedValue(authSafe.Span);
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(macData.ReadEncodedValue().Span);
                writer.WriteEncodedValue(macData.ReadEncodedValue().Span);
                writer.WriteInteger(iterations);
            }
        }

        return writer.Encode();
    }

    /// <summary>
    /// A PKCS#12 file without a MAC whose shrouded key sits inside an encrypted SafeContents (one real PBKDF2 iteration),
    /// so that nothing reads its count before that SafeContents is decrypted; the count is <paramref name="iterations"/>
    /// when given, else the real one.
    /// </summary>
    public static byte[] PfxWithHiddenKeyIterations(X509Certificate2 certificate, string password, int? iterations)
    {
        var pfx = new AsnReader(Pfx(certificate, password), AsnEncodingRules.BER).ReadSequence();
        var version = pfx.ReadEncodedValue();
        var authSafe = pfx.ReadSequence();
        authSafe.ReadObjectIdentifier();
        var contents = new AsnReader(authSafe.ReadSequence(Explicit0).ReadOctetString(), AsnEncodingRules.BER).ReadSequence();

        var safes = new AsnWriter(AsnEncodingRules.DER);
        using (safes.PushSequence())
        {
            while (contents.HasData)
            {
                var contentInfo = contents.ReadSequence();
                if (contentInfo.ReadObjectIdentifier() == EncryptedDataOid)
                {
                    WriteContentInfo(safes, EncryptedDataOid, w => w.WriteEncodedValue(contentInfo.ReadSequence(Explicit0).ReadEncodedValue().Span));
                    continue;
                }

                var bags = KeyBagsWithIterations(contentInfo.ReadSequence(Explicit0).ReadOctetString(), iterations);
                WriteContentInfo(safes, EncryptedDataOid, w => WriteEncryptedData(w, bags, password));
            }
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(version.Span);
            WriteContentInfo(writer, DataOid, w => w.WriteOctetString(safes.Encode()));
        }

        return writer.Encode();
    }

    private static byte[] Pfx(X509Certificate2 certificate, string password) =>
        certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);

    private static byte[] KeyBagsWithIterations(byte[] safeContents, int? iterations)
    {
        var bags = new AsnReader(safeContents, AsnEncodingRules.BER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            while (bags.HasData)
            {
                var bag = bags.ReadSequence();
                var bagId = bag.ReadObjectIdentifier();
                var value = bag.ReadSequence(Explicit0).ReadEncodedValue().ToArray();
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(bagId);
                    using (writer.PushSequence(Explicit0))
                    {
                        writer.WriteEncodedValue(bagId == ShroudedKeyBagOid ? WithKdf(value, iterations) : value);
                    }

                    while (bag.HasData)
                    {
                        writer.WriteEncodedValue(bag.ReadEncodedValue().Span);
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteContentInfo(AsnWriter writer, string type, Action<AsnWriter> content)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(type);
            using (writer.PushSequence(Explicit0))
            {
                content(writer);
            }
        }
    }

    // EncryptedData (RFC 5652 §8) with PBES2: PBKDF2-HMAC-SHA256 of one iteration, AES-256-CBC.
    private static void WriteEncryptedData(AsnWriter writer, byte[] plaintext, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = Rfc2898DeriveBytes.Pbkdf2(password, salt, 1, HashAlgorithmName.SHA256, 32);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(DataOid);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Pbes2Oid);
                    using (writer.PushSequence())
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(Pbkdf2Oid);
                            using (writer.PushSequence())
                            {
                                writer.WriteOctetString(salt);
                                writer.WriteInteger(1);
                                using (writer.PushSequence())
                                {
                                    writer.WriteObjectIdentifier(HmacSha256Oid);
                                    writer.WriteNull();
                                }
                            }
                        }

                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(Aes256CbcOid);
                            writer.WriteOctetString(iv);
                        }
                    }
                }

                writer.WriteOctetString(aes.EncryptCbc(plaintext, iv), new Asn1Tag(TagClass.ContextSpecific, 0));
            }
        }
    }
}
