using System.Net.Security;

namespace Credo.Imap;

/// <summary>How <see cref="ImapConnectionPool"/> connects, waits, keeps connections and idles on them, with defaults that suit Exchange Online and Dovecot.</summary>
public sealed class ImapOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Imap";

    /// <summary>The longest <see cref="IdleRestart"/>: RFC 2177 asks a client to end IDLE within 29 minutes, as servers may drop it after 30.</summary>
    public static readonly TimeSpan MaxIdleRestart = TimeSpan.FromMinutes(29);

    /// <summary>A pooled connection unused for this long is logged out and closed (one that idles counts as used). Default 5 min.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait for a TCP connection to the server. Default 10 s: a host that does not answer is an error within one poll.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for a command's answer. Default 60 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An IDLE command is ended and issued again after this long (at most <see cref="MaxIdleRestart"/>), and the listener checked. Default 9 min.</summary>
    public TimeSpan IdleRestart { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>
    /// Most connections this node keeps in IDLE at once (each is the listener's own pooled connection, so this bounds the
    /// connections that stay open between polls for IDLE). Listeners beyond it poll at their interval. 0 turns IDLE off.
    /// Default 1,000.
    /// </summary>
    public int MaxIdleConnections { get; set; } = 1000;

    /// <summary>Replaces the system's validation of the server certificate (for tests); null (the default) validates against the system's roots.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }
}
