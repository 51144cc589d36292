using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Security;

/// <summary>The server as behind a TLS-terminating proxy on the same machine: forwarded headers enabled.</summary>
public sealed class ForwardedHeadersServerFixture : CredoServerFixture
{
    protected override string[] ExtraArguments => ["--Credo:ForwardedHeaders:Enabled=true"];
}
