namespace Credo.Pop3;

/// <summary>How the POP3 connection is protected.</summary>
public enum Pop3Security
{
    /// <summary>Implicit TLS from the first byte (port 995).</summary>
    Tls,

    /// <summary>Plain connection upgraded with <c>STLS</c> (RFC 2595) before signing in (port 110).</summary>
    StartTls,

    /// <summary>No TLS (port 110): only to loopback hosts, unless the outbound policy allows plain text elsewhere.</summary>
    None,
}
