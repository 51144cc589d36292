using System.Net.Sockets;

namespace Credo.OAuth.Outbound;

/// <summary>
/// Tells a host name that does not exist — a setting to fix, not worth retrying within a poll — from a resolver that
/// failed for now, which is.
/// </summary>
public static class UnknownHost
{
    /// <summary>Whether <paramref name="exception"/>, or one it wraps, says the name does not exist.</summary>
    public static bool Caused(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData })
            {
                return true;
            }
        }

        return false;
    }
}
