using System.Net;

namespace Credo.Net.Outbound;

/// <summary>Resolves host names for outbound connections; replaceable so tests can point names anywhere.</summary>
public interface IHostAddressResolver
{
    /// <summary>The addresses of <paramref name="host"/>; throws <see cref="System.Net.Sockets.SocketException"/> when it has none.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
