using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Credo.Sandbox.Internal;

/// <summary>
/// Refuses a client that authenticates with a method it is not registered for, with <c>invalid_client</c>,
/// as strict authorization servers do. OpenIddict itself only checks the server-wide list of methods.
/// </summary>
internal sealed class RequireClientAuthenticationMethod(SandboxClientRegistry registry) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<RequireClientAuthenticationMethod>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateClientIdParameter.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = registry.Find(context.Request.ClientId);
        if (client is null)
        {
            return ValueTask.CompletedTask;
        }

        var authorization = context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString();
        var method = !string.IsNullOrEmpty(context.Request.ClientAssertion) ? SandboxClient.PrivateKeyJwt
            : authorization?.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) == true ? SandboxClient.ClientSecretBasic
            : SandboxClient.ClientSecretPost;
        if (!client.AuthenticationMethods.Contains(method))
        {
            context.Reject(
                error: Errors.InvalidClient,
                description: $"The client authentication method {method} is not allowed for this client; use {string.Join(" or ", client.AuthenticationMethods)}.");
        }

        return ValueTask.CompletedTask;
    }
}
