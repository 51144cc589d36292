using System.Net.Security;

namespace Credo.Imap;

/// <summary>How <see cref="ImapConnectionPool"/> and <see cref="ImapIdleWatcher"/> connect, wait and keep connections, with defaults that suit Exchange Online and Dovecot.</summary>
public sealed class ImapOptions
{
    /// <summary>A pooled connection unused for this long is logged out and closed. Default 5 min.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait for a TCP connection to the server. Default 10 s: a host that does not answer is an error within one poll.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for a command's answer. Default 60 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An IDLE command is ended and issued again after this long (RFC 2177 asks for less than 29 min), and the listener checked. Default 9 min.</summary>
    public TimeSpan IdleRestart { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>Replaces the system's validation of the server certificate (for tests); null (the default) validates against the system's roots.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }
}
