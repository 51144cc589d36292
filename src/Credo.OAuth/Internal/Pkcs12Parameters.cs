using System.Formats.Asn1;

namespace Credo.OAuth.Internal;

/// <summary>
/// The key-derivation parameters a PKCS#12 file (RFC 7292) shows before any password is tried: its MAC's iteration count
/// (or PBMAC1's PBKDF2), and the encryption of each encrypted SafeContents and of each shrouded key outside them.
/// Those are checked here, so that the file is refused with its own numbers before the platform derives anything;
/// a shrouded key inside an encrypted SafeContents is only visible once that is decrypted, and the platform's
/// <see cref="System.Security.Cryptography.X509Certificates.Pkcs12LoaderLimits"/> bound it.
/// </summary>
internal static class Pkcs12Parameters
{
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string EncryptedDataOid = "1.2.840.113549.1.7.6";
    private const string ShroudedKeyBagOid = "1.2.840.113549.1.12.10.1.2";
    private const string Pbmac1Oid = "1.2.840.113549.1.5.14";

    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>
    /// Why <paramref name="pfx"/> is refused (a phrase that follows "protected with"), or <see langword="null"/>: also when
    /// it is not a PKCS#12 file read here, for the platform's loader to say what is wrong within its own limits.
    /// </summary>
    public static string? FindProblem(ReadOnlyMemory<byte> pfx)
    {
        try
        {
            var reader = new AsnReader(pfx, AsnEncodingRules.BER).ReadSequence();
            reader.ReadInteger();
            var authSafe = reader.ReadSequence();
            if (authSafe.ReadObjectIdentifier() != DataOid)
            {
                return null;
            }

            var safes = authSafe.ReadSequence(Explicit0).ReadOctetString();

            // The MAC is checked first, as the platform verifies it first.
            if (reader.HasData && MacProblem(reader.ReadSequence()) is { } macProblem)
            {
                return macProblem;
            }

            var contents = new AsnReader(safes, AsnEncodingRules.BER).ReadSequence();
            while (contents.HasData)
            {
                if (SafeContentsProblem(contents.ReadSequence()) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    // MacData: mac DigestInfo, macSalt, iterations DEFAULT 1. PBMAC1 (RFC 9579) keeps its cost in the DigestInfo's algorithm.
    private static string? MacProblem(AsnReader macData)
    {
        var digestAlgorithm = macData.ReadSequence().ReadSequence();
        if (digestAlgorithm.ReadObjectIdentifier() == Pbmac1Oid)
        {
            return PasswordBasedEncryption.CheckKdf(digestAlgorithm.ReadSequence().ReadEncodedValue());
        }

        macData.ReadOctetString();
        return macData.HasData ? PasswordBasedEncryption.CheckIterations(macData.ReadInteger(), "PKCS#12 MAC key derivation") : null;
    }

    // ContentInfo: data holding SafeContents, or encryptedData (version, EncryptedContentInfo: type, algorithm, content).
    private static string? SafeContentsProblem(AsnReader contentInfo)
    {
        var type = contentInfo.ReadObjectIdentifier();
        var content = contentInfo.ReadSequence(Explicit0);
        if (type == EncryptedDataOid)
        {
            var encryptedData = content.ReadSequence();
            encryptedData.ReadInteger();
            var encryptedContentInfo = encryptedData.ReadSequence();
            encryptedContentInfo.ReadObjectIdentifier();
            return Problem(encryptedContentInfo.ReadEncodedValue());
        }

        if (type != DataOid)
        {
            return null;
        }

        var bags = new AsnReader(content.ReadOctetString(), AsnEncodingRules.BER).ReadSequence();
        while (bags.HasData)
        {
            var bag = bags.ReadSequence();
            if (bag.ReadObjectIdentifier() == ShroudedKeyBagOid &&
                Problem(bag.ReadSequence(Explicit0).ReadSequence().ReadEncodedValue()) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Problem(ReadOnlyMemory<byte> algorithmIdentifier)
    {
        PasswordBasedEncryption.Read(algorithmIdentifier, out var problem);
        return problem;
    }
}
