using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// The listener server at a port known before it starts, with <c>Credo:PublicUrl</c> set to its own loopback address, so
/// that the sandbox's Microsoft Graph posts change notifications to its <c>/hooks/graph</c>, as Graph would over https.
/// </summary>
public sealed class PushServerFixture : ListenerServerFixture
{
    private readonly string _url = $"http://127.0.0.1:{LoopbackPort.Free()}";

    protected override string Urls => _url;

    protected override string[] ExtraArguments => [.. base.ExtraArguments, $"--Credo:PublicUrl={_url}"];
}
