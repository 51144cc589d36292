using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Security;

/// <summary>The server with a low per-address sign-in limit, so a test reaches it quickly.</summary>
public sealed class ThrottledServerFixture : CredoServerFixture
{
    public const int MaxFailuresPerAddress = 3;

    protected override string[] ExtraArguments => [$"--Credo:SignIn:MaxFailuresPerAddress={MaxFailuresPerAddress}"];
}
