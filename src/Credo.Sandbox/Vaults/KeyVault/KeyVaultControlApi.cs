using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Sandbox.Vaults.KeyVault;

/// <summary>
/// <c>/sandbox/keyvault</c>: what the Key Vault endpoint counted, set or rotate a secret, make it unavailable and
/// available again. No authentication, as the rest of the control API.
/// </summary>
internal static class KeyVaultControlApi
{
    public static void MapKeyVaultControlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox/keyvault");
        group.MapGet("/", (SandboxKeyVault vault) => new { uri = vault.Uri, secrets = vault.Names, vault.Reads, vault.Unavailable });
        group.MapPut("/secrets/{name}", (string name, SecretRequest? request, SandboxKeyVault vault) =>
        {
            if (request?.Value is null || !SandboxKeyVault.IsValidName(name))
            {
                return Results.Problem(statusCode: 400, detail: "Give a name of 1 to 127 letters, digits and dashes, and the value, for example PUT /sandbox/keyvault/secrets/app-secret with {\"value\":\"s3cret\",\"contentType\":\"text/plain\"}.");
            }

            var version = vault.SetSecret(name, request.Value, request.ContentType);
            return Results.Ok(new { version, id = new Uri(vault.Uri, $"secrets/{name}/{version}") });
        });
        group.MapFaultSwitch((services, unavailable) => services.GetRequiredService<SandboxKeyVault>().Unavailable = unavailable);
    }

    private sealed record SecretRequest(string? Value, string? ContentType);
}
