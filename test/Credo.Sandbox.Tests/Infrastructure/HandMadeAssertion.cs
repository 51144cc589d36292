using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>
/// An RFC 7523 client assertion written out by hand as Microsoft Entra documents it (typ JWT, x5t#S256 and x5t, aud =
/// the token endpoint), independent of Credo's own client, so the sandbox is proven against the format and not against
/// one implementation of it. Each part can be bent to test a refusal.
/// </summary>
public sealed record HandMadeAssertion(X509Certificate2 Certificate, string ClientId, Uri Audience)
{
    public string Algorithm { get; init; } = Certificate.GetECDsaPrivateKey() is null ? "PS256" : "ES256";

    public string? Issuer { get; init; }

    public TimeSpan ExpiresIn { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan IssuedAgo { get; init; } = TimeSpan.Zero;

    public override string ToString()
    {
        var now = TimeProvider.System.GetUtcNow() - IssuedAgo;
        var header = Json(new Dictionary<string, object>
        {
            ["alg"] = Algorithm,
            ["typ"] = "JWT",
            ["x5t#S256"] = Base64Url(SHA256.HashData(Certificate.RawData)),
            ["x5t"] = Base64Url(Convert.FromHexString(Certificate.Thumbprint)),
        });
        var claims = Json(new Dictionary<string, object>
        {
            ["aud"] = Audience.AbsoluteUri,
            ["iss"] = Issuer ?? ClientId,
            ["sub"] = ClientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + ExpiresIn).ToUnixTimeSeconds(),
        });
        var input = Encoding.ASCII.GetBytes(header + "." + claims);
        byte[] signature;
        if (Certificate.GetECDsaPrivateKey() is { } ec)
        {
            using (ec)
            {
                signature = ec.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
        }
        else
        {
            using var rsa = Certificate.GetRSAPrivateKey()!;
            signature = rsa.SignData(input, HashAlgorithmName.SHA256, Algorithm == "RS256" ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss);
        }

        return header + "." + claims + "." + Base64Url(signature);
    }

    /// <summary>The token request body with this assertion.</summary>
    public FormUrlEncodedContent Form(string scope) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = ClientId,
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = ToString(),
        ["scope"] = scope,
    });

    private static string Json(Dictionary<string, object> value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
