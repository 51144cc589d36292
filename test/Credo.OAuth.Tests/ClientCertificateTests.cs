using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Credo.OAuth.Tests.Infrastructure;

namespace Credo.OAuth.Tests;

/// <summary><see cref="ClientCertificate.Load"/> with the files administrators export, and the ones they get wrong.</summary>
public sealed class ClientCertificateTests
{
    private const string Password = "pfx p@ss +%€";

    private static readonly Lazy<X509Certificate2> RsaCertificate = new(() => TestCertificates.Rsa(subject: "CN=credo-prod, O=Contoso"));
    private static readonly Lazy<X509Certificate2> EcCertificate = new(() => TestCertificates.EcP256());

    [Fact]
    public void RSA_certificate_and_key_in_PEM_load_with_subject_thumbprints_and_validity()
    {
        var certificate = RsaCertificate.Value;

        using var sut = Loaded(TestCertificates.Pem(certificate), null);

        Assert.Equal("CN=credo-prod, O=Contoso", sut.Subject);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(certificate.RawData)), sut.Sha256Thumbprint);
        Assert.Equal(certificate.Thumbprint, sut.Sha1Thumbprint);
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), sut.NotAfter);
        Assert.Equal(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), sut.NotBefore);
        Assert.Equal(ClientCertificateKeyType.Rsa, sut.KeyType);
        Assert.Equal(2048, sut.KeySize);
        Assert.Equal(SigningAlgorithm.PS256, sut.DefaultAlgorithm);
        Assert.Equal(certificate.RawData, sut.GetCertificateDer());
    }

    [Fact]
    public void EC_P256_key_loads_and_signs_with_ES256_by_default()
    {
        using var sut = Loaded(TestCertificates.Pem(EcCertificate.Value), null);

        Assert.Equal(ClientCertificateKeyType.EcP256, sut.KeyType);
        Assert.Equal(SigningAlgorithm.ES256, sut.DefaultAlgorithm);
        Assert.Null(sut.CheckAlgorithm(SigningAlgorithm.ES256));
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public void Encrypted_PKCS8_key_in_PEM_loads_with_its_password(string kind)
    {
        var certificate = kind == "rsa" ? RsaCertificate.Value : EcCertificate.Value;

        using var sut = Loaded(TestCertificates.Pem(certificate, Password), Password);

        Assert.Equal(certificate.Thumbprint, sut.Sha1Thumbprint);
    }

    [Fact]
    public void Key_first_and_a_chain_in_PEM_load_the_certificate_that_belongs_to_the_key()
    {
        using var other = TestCertificates.Rsa(subject: "CN=issuing-ca");
        var certificate = RsaCertificate.Value;
        var file = TestCertificates.KeyPem(certificate) + "\n" + other.ExportCertificatePem() + "\n" + certificate.ExportCertificatePem() + "\n";

        using var sut = Loaded(Encoding.ASCII.GetBytes(file), null);

        Assert.Equal(certificate.Thumbprint, sut.Sha1Thumbprint);
    }

    [Theory]
    [InlineData("rsa", Password)]
    [InlineData("rsa", null)]
    [InlineData("ec", Password)]
    public void PFX_loads_with_its_password_or_none(string kind, string? password)
    {
        var certificate = kind == "rsa" ? RsaCertificate.Value : EcCertificate.Value;

        using var sut = Loaded(TestCertificates.Pfx(certificate, password), password);

        Assert.Equal(certificate.Thumbprint, sut.Sha1Thumbprint);
        Assert.Equal(kind == "rsa" ? ClientCertificateKeyType.Rsa : ClientCertificateKeyType.EcP256, sut.KeyType);
    }

    [Fact]
    public void Export_is_read_back_without_a_password_as_the_same_certificate_and_key()
    {
        using var original = Loaded(TestCertificates.Pfx(RsaCertificate.Value, Password), Password);

        var exported = original.Export();
        using var sut = Loaded(exported, null);

        Assert.Equal(original.Sha256Thumbprint, sut.Sha256Thumbprint);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", Encoding.ASCII.GetString(exported), StringComparison.Ordinal);
        var data = "signed"u8.ToArray();
        using var publicKey = RsaCertificate.Value.GetRSAPublicKey()!;
        Assert.True(publicKey.VerifyData(data, sut.Sign(data, SigningAlgorithm.RS256), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void ToString_names_the_certificate_and_never_the_key()
    {
        var certificate = RsaCertificate.Value;
        using var sut = Loaded(TestCertificates.Pem(certificate), null);
        using var key = certificate.GetRSAPrivateKey()!;
        var keyBase64 = Convert.ToBase64String(key.ExportPkcs8PrivateKey());

        var text = sut.ToString();

        Assert.Contains("CN=credo-prod", text, StringComparison.Ordinal);
        Assert.Contains(sut.Sha256Thumbprint, text, StringComparison.Ordinal);
        Assert.DoesNotContain(keyBase64[..40], text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rsa", SigningAlgorithm.ES256, "ES256 needs an EC P-256 key")]
    [InlineData("ec", SigningAlgorithm.PS256, "PS256 needs an RSA key")]
    [InlineData("ec", SigningAlgorithm.RS256, "RS256 needs an RSA key")]
    public void Algorithm_that_does_not_fit_the_key_is_explained_and_refused_by_the_credentials(string kind, SigningAlgorithm algorithm, string message)
    {
        using var sut = Loaded(TestCertificates.Pem(kind == "rsa" ? RsaCertificate.Value : EcCertificate.Value), null);

        Assert.Contains(message, sut.CheckAlgorithm(algorithm), StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() =>
            new ClientCredentials(new Uri("https://login.example.com/token"), "client", sut, ScopeSet.Parse("api"), algorithm));
        Assert.Contains(message, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_without_its_key_is_refused_in_PEM_and_DER()
    {
        var certificate = RsaCertificate.Value;

        Assert.Contains("holds no private key", Failed(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()), null), StringComparison.Ordinal);
        Assert.Contains("certificate without its private key", Failed(certificate.RawData, null), StringComparison.Ordinal);
    }

    [Fact]
    public void PFX_without_a_private_key_is_refused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(RsaCertificate.Value.RawData);
        var pfx = new X509Certificate2Collection(publicOnly).ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password)!;

        Assert.Contains("holds no private key", Failed(pfx, Password), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_without_its_certificate_is_refused()
    {
        Assert.Contains("no certificate", Failed(Encoding.ASCII.GetBytes(TestCertificates.KeyPem(RsaCertificate.Value)), null), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_of_another_certificate_is_refused()
    {
        using var other = TestCertificates.Rsa();
        var file = RsaCertificate.Value.ExportCertificatePem() + "\n" + TestCertificates.KeyPem(other);

        Assert.Contains("does not belong to the certificate", Failed(Encoding.ASCII.GetBytes(file), null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public void RSA_key_of_1024_bits_is_refused(string format)
    {
        using var small = TestCertificates.Rsa(1024);

        var error = Failed(format == "pem" ? TestCertificates.Pem(small) : TestCertificates.Pfx(small, Password), Password);

        Assert.Contains("RSA key of 1024 bits; at least 2048 are needed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EC_key_on_another_curve_than_P256_is_refused()
    {
        using var p384 = TestCertificates.Ec(ECCurve.NamedCurves.nistP384);

        Assert.Contains("EC keys must be P-256", Failed(TestCertificates.Pem(p384), null), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_PFX_password_is_refused_and_a_missing_one_asked_for()
    {
        var pfx = TestCertificates.Pfx(RsaCertificate.Value, Password);

        Assert.Contains("Wrong password", Failed(pfx, "not the password"), StringComparison.Ordinal);
        Assert.Contains("give the certificate password", Failed(pfx, null), StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_PEM_key_needs_its_password()
    {
        var pem = TestCertificates.Pem(RsaCertificate.Value, Password);

        Assert.Contains("The private key is encrypted: give the certificate password", Failed(pem, null), StringComparison.Ordinal);
        Assert.Contains("The password does not decrypt the private key", Failed(pem, "not the password"), StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_PEM_key_naming_2_147_483_647_PBKDF2_iterations_is_refused_before_anything_is_derived()
    {
        var key = CraftedKeyFiles.WithKdf(CraftedKeyFiles.EncryptedKey(RsaCertificate.Value, Password, Pbes2(1000)), int.MaxValue);

        // With the right password: deriving the key would keep a core busy for about an hour, so this returns only
        // because the count is read, and refused, first.
        var error = Failed(CraftedKeyFiles.Pem(RsaCertificate.Value, key), Password);

        Assert.Contains("2,147,483,647 key-derivation iterations (PBKDF2); Credo accepts at most 600,000", error, StringComparison.Ordinal);
        Assert.Contains("openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scrypt", "encrypted with the key-derivation function scrypt")]
    [InlineData("pkcs12-3des", "encrypted with the legacy scheme pbeWithSHAAnd3-KeyTripleDES-CBC")]
    public void Encrypted_PEM_key_with_a_scheme_Credo_does_not_read_is_refused_with_how_to_re_encrypt_it(string scheme, string message)
    {
        var key = scheme == "scrypt"
            ? CraftedKeyFiles.WithKdf(CraftedKeyFiles.EncryptedKey(RsaCertificate.Value, Password, Pbes2(1000)), null, CraftedKeyFiles.ScryptOid)
            : CraftedKeyFiles.EncryptedKey(RsaCertificate.Value, Password, new PbeParameters(PbeEncryptionAlgorithm.TripleDes3KeyPkcs12, HashAlgorithmName.SHA1, 1000));

        var error = Failed(CraftedKeyFiles.Pem(RsaCertificate.Value, key), Password);

        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PbeEncryptionAlgorithm.Aes128Cbc, "SHA1")]
    [InlineData(PbeEncryptionAlgorithm.Aes192Cbc, "SHA384")]
    [InlineData(PbeEncryptionAlgorithm.Aes256Cbc, "SHA512")]
    public void Encrypted_PEM_key_loads_with_each_AES_key_size_and_PBKDF2_hash(PbeEncryptionAlgorithm cipher, string hash)
    {
        var key = CraftedKeyFiles.EncryptedKey(EcCertificate.Value, Password, new PbeParameters(cipher, new HashAlgorithmName(hash), 1000));

        using var sut = Loaded(CraftedKeyFiles.Pem(EcCertificate.Value, key), Password);

        Assert.Equal(EcCertificate.Value.Thumbprint, sut.Sha1Thumbprint);
    }

    [Fact]
    public void Encrypted_PEM_key_at_the_limit_of_600000_PBKDF2_iterations_loads()
    {
        var key = CraftedKeyFiles.EncryptedKey(EcCertificate.Value, Password, Pbes2(600_000));

        using var sut = Loaded(CraftedKeyFiles.Pem(EcCertificate.Value, key), Password);

        Assert.Equal(EcCertificate.Value.Thumbprint, sut.Sha1Thumbprint);
    }

    [Fact]
    public void Encrypted_PEM_key_that_is_neither_RSA_nor_EC_is_named_as_such_once_decrypted()
    {
        using var dsa = DSA.Create(1024);
        var key = dsa.ExportEncryptedPkcs8PrivateKey(Password, Pbes2(1000));

        var error = Failed(CraftedKeyFiles.Pem(RsaCertificate.Value, key), Password);

        Assert.Contains("neither RSA nor EC (its algorithm is 1.2.840.10040.4.1)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PFX_whose_MAC_names_too_many_iterations_is_refused_with_the_count_rather_than_as_a_wrong_password()
    {
        var pfx = CraftedKeyFiles.PfxWithMacIterations(RsaCertificate.Value, Password, 2_000_000);

        var error = Failed(pfx, Password);

        Assert.Contains("2,000,000 key-derivation iterations (PKCS#12 MAC key derivation); Credo accepts at most 600,000", error, StringComparison.Ordinal);
        Assert.Contains("openssl pkcs12 -export -in all.pem -iter 600000", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PFX_whose_key_inside_an_encrypted_SafeContents_names_too_many_iterations_is_refused_with_the_limit()
    {
        using var asExported = Loaded(CraftedKeyFiles.PfxWithHiddenKeyIterations(RsaCertificate.Value, Password, null), Password);

        var error = Failed(CraftedKeyFiles.PfxWithHiddenKeyIterations(RsaCertificate.Value, Password, 2_000_000), Password);

        Assert.Contains("more than 600,000 key-derivation iterations for one of its keys or certificates", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just some text")]
    [InlineData("\u0001\u0002binary")]
    [InlineData("0garbage that starts like DER")]
    public void Garbage_is_neither_PEM_nor_PKCS12(string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (content.StartsWith('0'))
        {
            bytes[0] = 0x30;
        }

        var error = Failed(bytes, null);

        Assert.Matches("empty|neither PEM nor PKCS#12|could not be read without a password", error);
    }

    [Fact]
    public void File_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        Assert.Contains("at most 1048576", Failed(new byte[ClientCertificate.MaxFileBytes + 1], null), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_never_repeat_the_password()
    {
        var pfx = TestCertificates.Pfx(RsaCertificate.Value, Password);

        Assert.DoesNotContain(Password, Failed(pfx, Password + "x"), StringComparison.Ordinal);
    }

    private static PbeParameters Pbes2(int iterations) => new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterations);

    private static ClientCertificate Loaded(byte[] file, string? password)
    {
        var load = ClientCertificate.Load(file, password);
        Assert.True(load.Succeeded, load.Error);
        return load.Value;
    }

    private static string Failed(byte[] file, string? password)
    {
        var load = ClientCertificate.Load(file, password);
        Assert.False(load.Succeeded);
        Assert.Null(load.Value);
        return load.Error;
    }
}
