namespace Credo.Net.Outbound;

/// <summary>What failed when connecting to a server (<see cref="ConnectionFailure"/>).</summary>
public enum ConnectionFailureKind
{
    /// <summary>The connection was refused, or the server or network is unreachable.</summary>
    Refused,

    /// <summary>The connection was closed or reset before the answer was complete.</summary>
    Reset,

    /// <summary>The connection attempt timed out.</summary>
    TimedOut,

    /// <summary>The host name does not exist: a setting to fix.</summary>
    HostNotFound,

    /// <summary>The resolver failed for now.</summary>
    NameResolution,

    /// <summary>The TLS handshake failed.</summary>
    Tls,

    /// <summary>The outbound policy refused the destination before any byte was sent.</summary>
    Blocked,
}
