using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Credo.Net.Outbound;

namespace Credo.Core.Secrets;

/// <summary>The HTTP clients of the vaults: through the outbound guard, trusting a configured certificate where one is given.</summary>
internal static class SourceHttp
{
    /// <summary>Requests to a vault end within this time.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A client whose connections go through <paramref name="guard"/>; with <paramref name="trustedCertificateFile"/>, the
    /// server's certificate must be that certificate or chain to it (a private certificate authority).
    /// </summary>
    public static HttpClient Create(OutboundGuard guard, string? trustedCertificateFile)
    {
        var handler = guard.CreateHandler();
        if (!string.IsNullOrWhiteSpace(trustedCertificateFile))
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(trustedCertificateFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return new HttpClient(handler) { Timeout = Timeout };
    }
}
