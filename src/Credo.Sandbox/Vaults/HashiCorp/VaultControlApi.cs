using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>
/// <c>/sandbox/vault</c>: what the Vault endpoint counted, set or rotate a secret, add an AppRole, seal it (stop
/// answering) and unseal it. No authentication, as the rest of the control API.
/// </summary>
internal static class VaultControlApi
{
    public static void MapVaultControlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox/vault");
        group.MapGet("/", (SandboxVault vault) => new
        {
            address = vault.Address,
            mounts = vault.Mounts,
            vault.Reads,
            vault.Writes,
            vault.Logins,
            vault.Unavailable,
        });
        group.MapPut("/secrets/{mount}/{**path}", async (string mount, string? path, HttpRequest http, SandboxVault vault) =>
        {
            var data = await ReadStringsAsync(http);
            if (data is null || string.IsNullOrWhiteSpace(path))
            {
                return Results.Problem(statusCode: 400, detail: "Give the secret's key/values as a JSON object of strings, for example PUT /sandbox/vault/secrets/secret/credo/app with {\"client_secret\":\"s3cret\"}.");
            }

            return Results.Ok(new { version = vault.SetSecret(mount, path, data) });
        });
        group.MapPost("/approles", (AppRoleRequest? request, SandboxVault vault) =>
        {
            if (string.IsNullOrWhiteSpace(request?.RoleId) || string.IsNullOrWhiteSpace(request.SecretId))
            {
                return Results.Problem(statusCode: 400, detail: "Give roleId and secretId, for example {\"roleId\":\"app\",\"secretId\":\"app-secret\"}.");
            }

            vault.AddAppRole(request.RoleId, request.SecretId);
            return Results.NoContent();
        });
        group.MapFaultSwitch((services, unavailable) => services.GetRequiredService<SandboxVault>().Unavailable = unavailable);
    }

    private static async Task<Dictionary<string, string>?> ReadStringsAsync(HttpRequest http)
    {
        try
        {
            return await http.ReadFromJsonAsync<Dictionary<string, string>>(http.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record AppRoleRequest(string? RoleId, string? SecretId);
}
