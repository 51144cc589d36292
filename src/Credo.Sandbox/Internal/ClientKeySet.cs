using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Credo.Sandbox.Internal;

/// <summary>
/// The JSON Web Key Set OpenIddict checks client assertions against, made from a client's certificate as Entra
/// keeps an uploaded certificate: its public key, named by <c>x5t</c> and <c>x5t#S256</c>.
/// </summary>
internal static class ClientKeySet
{
    public static JsonWebKeySet? TryCreate(string certificatePem, out string? error)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException)
        {
            error = "The certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----).";
            return null;
        }

        using (certificate)
        {
            JsonWebKey key;
            if (certificate.GetRSAPublicKey() is { } rsa)
            {
                key = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
                rsa.Dispose();
            }
            else if (certificate.GetECDsaPublicKey() is { } ec)
            {
                key = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec));
            }
            else
            {
                error = "The certificate's key is neither RSA nor EC.";
                return null;
            }

            key.Use = JsonWebKeyUseNames.Sig;
            key.X5t = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA1));
            key.X5tS256 = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256));
            key.X5c.Add(Convert.ToBase64String(certificate.RawData));
            var set = new JsonWebKeySet();
            set.Keys.Add(key);
            error = null;
            return set;
        }
    }
}
