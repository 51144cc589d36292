using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Credo.OAuth.Tests.Infrastructure;

/// <summary>
/// Encrypted PKCS#8 keys whose key-derivation parameters are rewritten by hand with
/// <see cref="AsnWriter"/>: a real key derivation at these counts would take the test an hour, so the files name a
/// cost that nothing ever pays (or an algorithm nothing implements) around otherwise real contents.
/// </summary>
public static class CraftedKeyFiles
{
    public const string ScryptOid = "1.3.6.1.4.1.11591.4.11";

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
}
