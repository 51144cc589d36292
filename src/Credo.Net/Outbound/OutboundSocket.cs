using System.Net;
using System.Net.Sockets;

namespace Credo.Net.Outbound;

/// <summary>
/// A TCP connection for a client that speaks its own protocol over a socket (IMAP, POP3), to addresses the outbound
/// guard has checked (<see cref="OutboundGuard.ResolveCheckedAsync"/>), opened within a time limit.
/// </summary>
public static class OutboundSocket
{
    /// <summary>
    /// Connects to <paramref name="port"/> on the first of <paramref name="addresses"/> that answers. A server that does
    /// not answer within <paramref name="timeout"/>, a refused connection or an unreachable network is a
    /// <see cref="ConnectionFailure"/> naming <paramref name="host"/> and the port.
    /// </summary>
    public static async Task<Result<Socket, ConnectionFailure>> ConnectAsync(IPAddress[] addresses, string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(addresses, port, connectTimeout.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return new ConnectionFailure(ConnectionFailureKind.TimedOut, $"Cannot connect to {host}:{port}: no answer within {timeout.TotalSeconds:0} s.",
                "Check the host and port, and that a firewall lets this machine reach the server.");
        }
        catch (SocketException e) when (ConnectionFailure.Of(e, host, port) is { } failure)
        {
            socket.Dispose();
            return failure;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
