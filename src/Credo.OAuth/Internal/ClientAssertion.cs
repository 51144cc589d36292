using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Credo.OAuth.Internal;

/// <summary>
/// The JWT client assertion of RFC 7523 §2.2 as Microsoft Entra documents it: header <c>alg</c>, <c>typ</c>,
/// <c>x5t#S256</c> and <c>x5t</c>; claims <c>aud</c> (the token endpoint), <c>iss</c> = <c>sub</c> (the client id),
/// a fresh <c>jti</c>, and <c>iat</c> = <c>nbf</c> = now, <c>exp</c> = now + <see cref="Lifetime"/>.
/// </summary>
internal static class ClientAssertion
{
    public const string Type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static string Create(ClientCredentials credentials, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var certificate = credentials.Certificate
            ?? throw new InvalidOperationException("Only credentials with a certificate sign client assertions.");
        var algorithm = credentials.SigningAlgorithm!.Value;

        var issuedAt = now.ToUnixTimeSeconds();
        var claims = Json(writer =>
        {
            writer.WriteString("aud", credentials.TokenEndpoint.AbsoluteUri);
            writer.WriteString("iss", credentials.ClientId);
            writer.WriteString("sub", credentials.ClientId);

            // Servers refuse a replayed jti, so every request, even two in the same second, gets a new one.
            writer.WriteString("jti", Guid.NewGuid().ToString());
            writer.WriteNumber("iat", issuedAt);
            writer.WriteNumber("nbf", issuedAt);
            writer.WriteNumber("exp", issuedAt + (long)Lifetime.TotalSeconds);
        });

        var signingInput = EncodedHeader(certificate, algorithm) + "." + ClientCertificate.Base64Url(claims);
        var signature = certificate.Sign(Encoding.ASCII.GetBytes(signingInput), algorithm);
        return signingInput + "." + ClientCertificate.Base64Url(signature);
    }

    /// <summary>
    /// The base64url header, which depends only on the certificate and the algorithm: every assertion of a credential
    /// starts with it, which lets an echoed assertion be found and redacted.
    /// </summary>
    public static string EncodedHeader(ClientCertificate certificate, SigningAlgorithm algorithm) =>
        ClientCertificate.Base64Url(Json(writer =>
        {
            writer.WriteString("alg", algorithm.ToString());
            writer.WriteString("typ", "JWT");
            writer.WriteString("x5t#S256", certificate.X5tS256);
            writer.WriteString("x5t", certificate.X5t);
        }));

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
