using Azure.Core;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>
/// An Azure SDK credential that takes its token from the sandbox's <c>/connect/token</c> for a fixed scope, whatever
/// the SDK asks for: to present a token of another audience to Key Vault.
/// </summary>
public sealed class SandboxTokenCredential(SandboxTokenProvider tokens) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(await tokens.GetAuthorizationTokenAsync(new Uri("https://vault.azure.net"), cancellationToken: cancellationToken), DateTimeOffset.MaxValue);
}
