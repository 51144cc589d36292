using System.Net;
using System.Net.Sockets;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>Ports on 127.0.0.1 that were free a moment ago, for a server whose address must be known before it starts.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on now.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
