using System.Diagnostics.CodeAnalysis;

namespace Credo.OAuth;

/// <summary>
/// The outcome of <see cref="ClientCertificate.Load"/>: the certificate with its key, or a message that says what is
/// wrong with the file and how to fix it. The message never contains the password or key material.
/// </summary>
public sealed class ClientCertificateLoad
{
    private ClientCertificateLoad(ClientCertificate? certificate, string? error)
    {
        Certificate = certificate;
        Error = error;
    }

    /// <summary>The loaded certificate, when <see cref="Succeeded"/>; the caller owns (and disposes) it.</summary>
    public ClientCertificate? Certificate { get; }

    /// <summary>What is wrong with the file, when not <see cref="Succeeded"/>.</summary>
    public string? Error { get; }

    /// <summary>Whether the file held a usable certificate and private key.</summary>
    [MemberNotNullWhen(true, nameof(Certificate))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Certificate is not null;

    internal static ClientCertificateLoad Success(ClientCertificate certificate) => new(certificate, null);

    internal static ClientCertificateLoad Failed(string error) => new(null, error);

    /// <summary>The certificate's description or the error.</summary>
    public override string ToString() => Succeeded ? Certificate.ToString() : Error;
}
