using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Credo.OAuth.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Credo.OAuth.Tests.Internal;

/// <summary>The client assertion, decoded and compared byte for byte, under a fake clock.</summary>
public sealed class ClientAssertionTests
{
    private static readonly Lazy<X509Certificate2> RsaCertificate = new(() => TestCertificates.Rsa());
    private static readonly Lazy<X509Certificate2> EcCertificate = new(() => TestCertificates.EcP256());
    private static readonly Uri Endpoint = new("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");

    [Theory]
    [InlineData(SigningAlgorithm.PS256)]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public void Header_and_claims_are_exactly_the_documented_ones(SigningAlgorithm algorithm)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 21, 0, 0, TimeSpan.Zero));
        var x509 = algorithm == SigningAlgorithm.ES256 ? EcCertificate.Value : RsaCertificate.Value;
        using var certificate = Load(x509);
        var credentials = new ClientCredentials(Endpoint, "00000000-aaaa-4bbb-8ccc-123456789abc", certificate, ScopeSet.Parse("https://outlook.office365.com/.default"), algorithm);

        var sut = ClientAssertion.Create(credentials, time.GetUtcNow());

        var parts = sut.Split('.');
        Assert.Equal(3, parts.Length);
        var x5tS256 = Base64Url(SHA256.HashData(x509.RawData));
        var x5t = Base64Url(Convert.FromHexString(x509.Thumbprint));
        Assert.Equal($$"""{"alg":"{{algorithm}}","typ":"JWT","x5t#S256":"{{x5tS256}}","x5t":"{{x5t}}"}""", Decode(parts[0]));
        var claims = JsonDocument.Parse(Decode(parts[1])).RootElement;
        var jti = claims.GetProperty("jti").GetString()!;
        Assert.True(Guid.TryParse(jti, out _), jti);
        Assert.Equal(
            $$"""{"aud":"{{Endpoint.AbsoluteUri}}","iss":"00000000-aaaa-4bbb-8ccc-123456789abc","sub":"00000000-aaaa-4bbb-8ccc-123456789abc","jti":"{{jti}}","iat":1796072400,"nbf":1796072400,"exp":1796072700}""",
            Decode(parts[1]));
        Assert.True(Verifies(x509, algorithm, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Convert.FromBase64String(Pad(parts[2]))));
    }

    [Fact]
    public void Each_assertion_has_a_new_jti_even_at_the_same_instant()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 21, 0, 0, TimeSpan.Zero));
        using var certificate = Load(RsaCertificate.Value);
        var credentials = new ClientCredentials(Endpoint, "client", certificate, ScopeSet.Parse("api"), SigningAlgorithm.PS256);

        var first = Claims(ClientAssertion.Create(credentials, time.GetUtcNow()));
        var second = Claims(ClientAssertion.Create(credentials, time.GetUtcNow()));

        Assert.Equal(first.GetProperty("iat").GetInt64(), second.GetProperty("iat").GetInt64());
        Assert.NotEqual(first.GetProperty("jti").GetString(), second.GetProperty("jti").GetString());
    }

    [Fact]
    public void PS256_signatures_use_PSS_and_differ_from_RS256()
    {
        var time = new FakeTimeProvider();
        using var certificate = Load(RsaCertificate.Value);
        var credentials = new ClientCredentials(Endpoint, "client", certificate, ScopeSet.Parse("api"), SigningAlgorithm.PS256);

        var parts = ClientAssertion.Create(credentials, time.GetUtcNow()).Split('.');

        using var publicKey = RsaCertificate.Value.GetRSAPublicKey()!;
        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Convert.FromBase64String(Pad(parts[2]));
        Assert.True(publicKey.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.False(publicKey.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    internal static JsonElement Claims(string assertion) => JsonDocument.Parse(Decode(assertion.Split('.')[1])).RootElement;

    internal static string Decode(string part) => Encoding.UTF8.GetString(Convert.FromBase64String(Pad(part)));

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool Verifies(X509Certificate2 certificate, SigningAlgorithm algorithm, byte[] input, byte[] signature)
    {
        if (algorithm == SigningAlgorithm.ES256)
        {
            using var ec = certificate.GetECDsaPublicKey()!;
            return signature.Length == 64 && ec.VerifyData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        using var rsa = certificate.GetRSAPublicKey()!;
        return rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, algorithm == SigningAlgorithm.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
    }

    private static ClientCertificate Load(X509Certificate2 certificate) => ClientCertificate.Load(TestCertificates.Pem(certificate), null).Value!;
}
