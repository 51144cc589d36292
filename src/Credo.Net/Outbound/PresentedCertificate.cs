using System.Net.Security;
using Credo.Net.Text;

namespace Credo.Net.Outbound;

/// <summary>
/// What a server presented in a TLS handshake, kept by the certificate validation callback so that a failed handshake
/// can be told in words once the certificate object is gone: its subject and what was wrong with it.
/// </summary>
public sealed class PresentedCertificate
{
    /// <summary>The certificate's subject; null when the server presented none (or the handshake failed before).</summary>
    public string? Subject { get; private set; }

    /// <summary>What the system's validation found wrong.</summary>
    public SslPolicyErrors Errors { get; private set; }

    /// <summary>
    /// A validation callback that records what is presented and accepts it when <paramref name="replacement"/> does, or,
    /// without one, when the system's validation found nothing wrong.
    /// </summary>
    public RemoteCertificateValidationCallback Validate(RemoteCertificateValidationCallback? replacement) => (sender, certificate, chain, errors) =>
    {
        Subject = certificate?.Subject;
        Errors = errors;
        return replacement?.Invoke(sender, certificate, chain, errors) ?? errors == SslPolicyErrors.None;
    };

    /// <summary>
    /// Why the handshake failed, for a sentence such as "The TLS handshake (STARTTLS) with host:port failed: …":
    /// <c>certificate CN=mail.contoso.com, RemoteCertificateNameMismatch</c>, or <c>no certificate (reason)</c>.
    /// </summary>
    public string Describe(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (Subject is null)
        {
            var reason = DisplayText.Clean(failure.InnerException?.Message ?? failure.Message).Trim();
            return $"no certificate ({(reason.Length <= 300 ? reason : reason[..300])})";
        }

        return Errors == SslPolicyErrors.None ? $"certificate {Subject}" : $"certificate {Subject}, {Errors}";
    }
}
