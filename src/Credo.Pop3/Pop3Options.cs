using System.Net.Security;

namespace Credo.Pop3;

/// <summary>How a <see cref="Pop3Session"/> connects and waits, with defaults that suit Exchange Online and Dovecot.</summary>
public sealed class Pop3Options
{
    /// <summary>Longest wait for the TCP connection to the server. Default 10 s: a host that does not answer is an error within one poll.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the answer to one command (for <c>RETR</c>, between two reads of the message). Default 60 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Replaces the system's validation of the server certificate (for tests); null (the default) validates against the system's roots.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }
}
