using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Credo.Net;
using Credo.Net.Outbound;

namespace Credo.Core.Secrets;

/// <summary>The HTTP clients of the vaults: through the outbound guard, trusting a configured certificate where one is given.</summary>
internal static class SourceHttp
{
    /// <summary>Requests to a vault end within this time.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The client kept under <paramref name="key"/>, made by <paramref name="create"/> the first time (a client that loses a
    /// race to be kept is disposed); a failure to make one is not kept, so a mended setting is used at the next read.
    /// </summary>
    public static Result<T, SecretSourceFailure> Client<T>(
        ConcurrentDictionary<string, T> clients, string key, Func<Result<T, SecretSourceFailure>> create, Func<T, HttpClient> http)
        where T : notnull
    {
        if (clients.TryGetValue(key, out var known))
        {
            return known;
        }

        var created = create();
        if (!created.Succeeded)
        {
            return created;
        }

        var kept = clients.GetOrAdd(key, created.Value!);
        if (!ReferenceEquals(kept, created.Value))
        {
            http(created.Value!).Dispose();
        }

        return kept;
    }

    /// <summary>
    /// A client whose connections go through <paramref name="guard"/>; with <paramref name="trustedCertificateFile"/>, the
    /// server's certificate must be that certificate or chain to it (a private certificate authority). A trusted
    /// certificate that cannot be read is a failure that names <paramref name="section"/>.
    /// </summary>
    public static Result<HttpClient, SecretSourceFailure> Create(OutboundGuard guard, string? trustedCertificateFile, string section)
    {
        X509Certificate2? trusted = null;
        if (!string.IsNullOrWhiteSpace(trustedCertificateFile))
        {
            try
            {
                trusted = X509CertificateLoader.LoadCertificateFromFile(trustedCertificateFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return new SecretSourceFailure(SecretSourceFailureKind.NotConfigured,
                    $"{section}:TrustedCertificateFile {trustedCertificateFile} cannot be read as a certificate ({e.GetType().Name}).",
                    "Give a PEM or DER file holding the certificate of the vault's certificate authority, readable by the user the Credo server runs as.");
            }
        }

        var handler = guard.CreateHandler();
        if (trusted is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                // The server's own intermediates count; the root must be the trusted certificate.
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (presented is not null)
                {
                    foreach (var element in presented.ChainElements)
                    {
                        chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }

                var leaf = certificate as X509Certificate2;
                using var owned = leaf is null ? new X509Certificate2(certificate) : null;
                return chain.Build(leaf ?? owned!);
            };
        }

        return new HttpClient(handler) { Timeout = Timeout };
    }
}
