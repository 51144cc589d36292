namespace Credo.Imap;

/// <summary>How the IMAP connection is protected.</summary>
public enum ImapSecurity
{
    /// <summary>Implicit TLS from the first byte (port 993).</summary>
    Tls,

    /// <summary>Plain connection upgraded with <c>STARTTLS</c> before logging in (port 143).</summary>
    StartTls,

    /// <summary>No TLS: only to loopback hosts, unless the outbound policy allows plain text elsewhere.</summary>
    None,
}
