using System.Collections.Concurrent;

namespace Credo.Sandbox.Internal;

/// <summary>The sandbox's own view of its clients: what OpenIddict's application store does not hold (methods, roles).</summary>
internal sealed class SandboxClientRegistry
{
    private readonly ConcurrentDictionary<string, SandboxClient> _clients = new(StringComparer.Ordinal);

    public void Add(SandboxClient client) => _clients[client.ClientId] = client;

    public SandboxClient? Find(string? clientId) =>
        clientId is not null && _clients.TryGetValue(clientId, out var client) ? client : null;

    public IReadOnlyList<SandboxClient> All => [.. _clients.Values.OrderBy(c => c.ClientId, StringComparer.Ordinal)];
}
