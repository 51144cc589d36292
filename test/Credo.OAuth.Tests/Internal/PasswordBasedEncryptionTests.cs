using System.Security.Cryptography;
using Credo.OAuth.Internal;
using Credo.OAuth.Tests.Infrastructure;

namespace Credo.OAuth.Tests.Internal;

/// <summary>The parameters of password-based encryption, read and judged before anything is derived.</summary>
public sealed class PasswordBasedEncryptionTests
{
    private static readonly Lazy<byte[]> EncryptedKey = new(() =>
    {
        using var certificate = TestCertificates.EcP256();
        return CraftedKeyFiles.EncryptedKey(certificate, "password", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
    });

    [Fact]
    public void PBKDF2_iteration_count_of_600000_is_accepted_and_one_more_is_refused()
    {
        var atLimit = PasswordBasedEncryption.Read(CraftedKeyFiles.Algorithm(CraftedKeyFiles.WithKdf(EncryptedKey.Value, 600_000)), out var noProblem);
        var overLimit = PasswordBasedEncryption.Read(CraftedKeyFiles.Algorithm(CraftedKeyFiles.WithKdf(EncryptedKey.Value, 600_001)), out var problem);

        Assert.Equal(PasswordBasedEncryption.MaxIterations, atLimit?.Iterations);
        Assert.Null(noProblem);
        Assert.Null(atLimit?.DecryptionProblem);
        Assert.Null(overLimit);
        Assert.Equal("600,001 key-derivation iterations (PBKDF2); Credo accepts at most 600,000, so that reading a file cannot keep a processor busy for minutes or hours", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Iteration_count_below_one_is_refused_as_invalid(int iterations)
    {
        var sut = PasswordBasedEncryption.Read(CraftedKeyFiles.Algorithm(CraftedKeyFiles.WithKdf(EncryptedKey.Value, iterations)), out var problem);

        Assert.Null(sut);
        Assert.Contains($"an iteration count of {iterations} (PBKDF2), which is not valid", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_PKCS12_scheme_is_read_for_its_iteration_count_but_not_decrypted_here()
    {
        using var certificate = TestCertificates.EcP256();
        var key = CraftedKeyFiles.EncryptedKey(certificate, "password", new PbeParameters(PbeEncryptionAlgorithm.TripleDes3KeyPkcs12, HashAlgorithmName.SHA1, 2000));

        var sut = PasswordBasedEncryption.Read(CraftedKeyFiles.Algorithm(key), out var problem);

        Assert.Null(problem);
        Assert.Equal(2000, sut?.Iterations);
        Assert.Contains("legacy scheme pbeWithSHAAnd3-KeyTripleDES-CBC", sut?.DecryptionProblem, StringComparison.Ordinal);
    }
}
