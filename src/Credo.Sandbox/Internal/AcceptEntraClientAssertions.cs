using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Credo.Sandbox.Internal;

/// <summary>
/// Accepts client assertions as Microsoft Entra does: <c>typ: JWT</c> and an <c>aud</c> that is the token endpoint.
/// OpenIddict 7 alone expects <c>client-authentication+jwt</c> and the issuer as audience. Every other check of the
/// assertion (signature with the client's own keys, issuer = subject = client, lifetime) stays OpenIddict's;
/// <see cref="RestoreClientAssertionTokenType"/> then puts back the token type OpenIddict derives from the header.
/// </summary>
internal sealed class AcceptEntraClientAssertions : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<AcceptEntraClientAssertions>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Whether <paramref name="context"/> validates a client assertion and nothing else.</summary>
    public static bool ValidatesClientAssertion(ValidateTokenContext context) =>
        context.ValidTokenTypes.Count == 1 && context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion);

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ValidatesClientAssertion(context))
        {
            return ValueTask.CompletedTask;
        }

        if (context.TokenValidationParameters.ValidTypes is { } types)
        {
            context.TokenValidationParameters.ValidTypes = [.. types, JsonWebTokenTypes.GenericJsonWebToken];
        }

        if (context.BaseUri is { } baseUri)
        {
            foreach (var endpoint in context.Options.TokenEndpointUris)
            {
                context.ValidAudiences.Add(new Uri(baseUri, endpoint).AbsoluteUri);
            }
        }

        return ValueTask.CompletedTask;
    }
}
