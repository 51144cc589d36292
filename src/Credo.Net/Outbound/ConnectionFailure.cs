using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Credo.Net.Outbound;

/// <summary>
/// A connection to a server that failed, in plain words that name the address and say what to check: "Cannot connect
/// to mail.contoso.com:993: the connection was refused." Every client of Credo (token endpoint, EWS, Graph, IMAP, webhooks)
/// describes network failures through this one place, so the console says the same thing for the same cause.
/// </summary>
/// <param name="Kind">What failed.</param>
/// <param name="Message">What happened, naming host and port.</param>
/// <param name="Hint">What to check.</param>
public sealed record ConnectionFailure(ConnectionFailureKind Kind, string Message, string Hint)
{
    /// <summary>Whether trying again in a moment may succeed: the server or the network may be back; a wrong name or a refused destination will not be.</summary>
    public bool IsPassing => Kind is not (ConnectionFailureKind.HostNotFound or ConnectionFailureKind.Blocked);

    /// <summary>
    /// Describes <paramref name="exception"/> (or one it wraps) as a failure of the connection to
    /// <paramref name="host"/>:<paramref name="port"/>; null when it is not a connection failure.
    /// </summary>
    public static ConnectionFailure? Of(Exception exception, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = $"{host}:{port}";
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OutboundRequestBlockedException blocked:
                    return new(ConnectionFailureKind.Blocked, $"Credo did not connect to {host}: {blocked.Reason}.",
                        "Use the server's public address: link-local and cloud metadata addresses are never allowed, and Credo:Outbound limits the rest.");
                case SocketException socket when Describe(socket.SocketErrorCode, host, where) is { } failure:
                    return failure;
                case AuthenticationException tls:
                    return Tls(where, tls.Message);
                default:
                    break;
            }

            // MailKit wraps a failed handshake in its own exception type, with the reason in its message.
            if (e.GetType().Name == "SslHandshakeException")
            {
                return Tls(where, e.InnerException?.Message ?? e.Message);
            }
        }

        return exception switch
        {
            // SocketsHttpHandler's ConnectTimeout: a cancellation whose reason is a timeout, before any answer.
            OperationCanceledException { InnerException: TimeoutException } => new(ConnectionFailureKind.TimedOut,
                $"Cannot connect to {where}: no answer to the connection attempt within {OutboundGuard.ConnectTimeout.TotalSeconds:0} s.",
                "Check the host and port, and that a firewall lets this machine reach the server."),
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => HostNotFound(host),
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => Tls(where, null),
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => Refused(where, "the connection failed"),
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } or IOException => Reset(where),
            _ => null,
        };
    }

    private static ConnectionFailure? Describe(SocketError error, string host, string where) => error switch
    {
        SocketError.ConnectionRefused => Refused(where, "the connection was refused"),
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected => Reset(where),
        SocketError.TimedOut => new(ConnectionFailureKind.TimedOut, $"Cannot connect to {where}: the connection attempt timed out.",
            "Check the host and port, and that a firewall lets this machine reach the server."),
        SocketError.HostNotFound or SocketError.NoData => HostNotFound(host),
        SocketError.TryAgain => new(ConnectionFailureKind.NameResolution, $"The host name {host} could not be resolved for now: the DNS server did not answer.",
            "Check this machine's DNS settings; Credo tries again."),
        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown =>
            Refused(where, "the network or host is unreachable from this machine"),
        _ => null,
    };

    private static ConnectionFailure Refused(string where, string why) =>
        new(ConnectionFailureKind.Refused, $"Cannot connect to {where}: {why}.", "Check the host, port and security; the server may be down or not listening there.");

    private static ConnectionFailure Reset(string where) =>
        new(ConnectionFailureKind.Reset, $"The connection to {where} was closed before the answer was complete.",
            "The server, or a proxy or firewall in between, dropped the connection; if it keeps happening, check the server's logs.");

    private static ConnectionFailure HostNotFound(string host) =>
        new(ConnectionFailureKind.HostNotFound, $"The host name {host} does not resolve.", "Check the spelling of the host name, and this machine's DNS settings.");

    private static ConnectionFailure Tls(string where, string? detail) =>
        new(ConnectionFailureKind.Tls, detail is null ? $"The TLS handshake with {where} failed." : $"The TLS handshake with {where} failed: {Clean(detail)}",
            "Check that the port speaks TLS (or choose the security the server uses), and that the server's certificate is valid for this host name and trusted by this machine.");

    // Exception texts of the platform: one line, capped.
    private static string Clean(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
        return (line.Length <= 300 ? line : line[..300]) + ".";
    }
}
