using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Credo.Sandbox.Internal;

/// <summary>
/// OpenIddict names a validated <c>typ: JWT</c> token after the header, not after the client assertion it was validated
/// as (with the client's keys only, see <see cref="AcceptEntraClientAssertions"/>); this names it a client assertion again.
/// </summary>
internal sealed class RestoreClientAssertionTokenType : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RestoreClientAssertionTokenType>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal is { } principal
            && AcceptEntraClientAssertions.ValidatesClientAssertion(context)
            && principal.GetTokenType() != TokenTypeIdentifiers.Private.ClientAssertion)
        {
            principal.SetTokenType(TokenTypeIdentifiers.Private.ClientAssertion);
        }

        return ValueTask.CompletedTask;
    }
}
