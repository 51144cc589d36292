using System.Net;
using System.Net.Http.Json;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>The Key Vault endpoint's challenge, counters and fault switch, and its control API, on the wire.</summary>
public sealed class KeyVaultEndpointTests(VaultSandboxFixture sandbox) : IClassFixture<VaultSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_without_a_token_gets_Key_Vault_s_challenge_naming_the_sandbox_authority()
    {
        using var response = await sandbox.Http.GetAsync(new Uri(sandbox.Server.KeyVaultUri, "secrets/sandbox-client-secret?api-version=7.5"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal($"authorization=\"{sandbox.Server.KeyVaultUri}{SandboxServer.TenantId}\", resource=\"https://vault.azure.net\"", challenge.Parameter);
    }

    [Fact]
    public async Task The_control_API_rotates_a_secret_and_a_fault_makes_the_vault_answer_503()
    {
        var token = await sandbox.Tokens(SandboxClient.Default(), SandboxClient.KeyVaultScope).GetAuthorizationTokenAsync(sandbox.Server.KeyVaultUri, cancellationToken: Ct);
        using var put = await sandbox.Http.PutAsJsonAsync(Control("secrets/controlled"), new { value = "v2", contentType = "text/plain" }, Ct);
        var version = (await GraphJson.ReadAsync(put)).GetProperty("version").GetString();
        var before = sandbox.Server.KeyVault.Reads;

        using var down = await sandbox.Http.PostAsync(Control("fault"), content: null, Ct);
        using var unavailable = await GetAsync("secrets/controlled", token);
        using var up = await sandbox.Http.DeleteAsync(Control("fault"), Ct);
        using var read = await GetAsync($"secrets/controlled/{version}", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var bundle = await GraphJson.ReadAsync(read);
        Assert.Equal(("v2", "text/plain"), (bundle.GetProperty("value").GetString(), bundle.GetProperty("contentType").GetString()));
        Assert.Equal(1, sandbox.Server.KeyVault.Reads - before);
    }

    private Uri Control(string path) => new(sandbox.Server.BaseAddress, "sandbox/keyvault/" + path);

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sandbox.Server.KeyVaultUri, path + "?api-version=7.5"));
        request.Headers.Authorization = new("Bearer", token);
        return await sandbox.Http.SendAsync(request, Ct);
    }
}
