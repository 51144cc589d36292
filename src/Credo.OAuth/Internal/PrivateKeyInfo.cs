using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;

namespace Credo.OAuth.Internal;

/// <summary>
/// Just enough of PKCS#8 (RFC 5958) to import a key once, into the algorithm its OID names, instead of trying RSA and
/// then EC; for an encrypted key each try would pay the key derivation again.
/// </summary>
internal static class PrivateKeyInfo
{
    public const string RsaOid = "1.2.840.113549.1.1.1";

    public const string EcOid = "1.2.840.10045.2.1";

    /// <summary>The algorithm OID of a PrivateKeyInfo, or <see langword="null"/> when <paramref name="der"/> is not one.</summary>
    public static string? AlgorithmOf(ReadOnlyMemory<byte> der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            reader.ReadInteger();
            return reader.ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The parts of an EncryptedPrivateKeyInfo: its encryption AlgorithmIdentifier (encoded) and the encrypted key.</summary>
    public static bool TryReadEncrypted(ReadOnlyMemory<byte> der, out ReadOnlyMemory<byte> algorithm, [NotNullWhen(true)] out byte[]? encrypted)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            algorithm = reader.ReadEncodedValue();
            encrypted = reader.ReadOctetString();
            return true;
        }
        catch (AsnContentException)
        {
            algorithm = default;
            encrypted = null;
            return false;
        }
    }
}
