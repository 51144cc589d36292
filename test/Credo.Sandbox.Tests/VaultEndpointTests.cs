using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Sandbox.Tests.Infrastructure;
using Credo.Sandbox.Vaults.HashiCorp;

namespace Credo.Sandbox.Tests;

/// <summary>The Vault endpoint's wire answers, counters, token expiry and fault switch, and its control API.</summary>
public sealed class VaultEndpointTests(VaultSandboxFixture sandbox) : IClassFixture<VaultSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SandboxVault Vault => sandbox.Server.Vault;

    [Fact]
    public async Task A_read_answers_Vault_s_envelope_and_counts()
    {
        var version = Vault.SetSecret("secret", "wire/shape", new Dictionary<string, string> { ["client_secret"] = "s3cret" });
        var before = Vault.Reads;

        var (status, body) = await SendAsync(HttpMethod.Get, "secret/data/wire/shape", Vault.RootToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("s3cret", body.GetProperty("data").GetProperty("data").GetProperty("client_secret").GetString());
        var metadata = body.GetProperty("data").GetProperty("metadata");
        Assert.Equal((version, false, ""), (metadata.GetProperty("version").GetInt32(), metadata.GetProperty("destroyed").GetBoolean(), metadata.GetProperty("deletion_time").GetString()));
        Assert.True(DateTimeOffset.TryParse(metadata.GetProperty("created_time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal(("", false, 0), (body.GetProperty("lease_id").GetString(), body.GetProperty("renewable").GetBoolean(), body.GetProperty("lease_duration").GetInt32()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("auth").ValueKind);
        Assert.Equal(1, Vault.Reads - before);
    }

    [Fact]
    public async Task A_missing_secret_is_404_with_no_errors_and_a_bad_token_is_403_permission_denied()
    {
        var (missing, missingBody) = await SendAsync(HttpMethod.Get, "secret/data/no/such", Vault.RootToken);
        var (refused, refusedBody) = await SendAsync(HttpMethod.Get, "secret/data/credo/sandbox-client", "not-a-token");

        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(0, missingBody.GetProperty("errors").GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("permission denied", refusedBody.GetProperty("errors")[0].GetString());
    }

    [Fact]
    public async Task An_AppRole_token_is_refused_once_it_expires()
    {
        var (_, login) = await SendAsync(HttpMethod.Post, "auth/approle/login", token: null, new { role_id = SandboxVault.DemoRoleId, secret_id = SandboxVault.DemoSecretId });
        var token = login.GetProperty("auth").GetProperty("client_token").GetString()!;
        var (before, _) = await SendAsync(HttpMethod.Get, "secret/data/credo/sandbox-client", token);

        Assert.True(Vault.ExpireToken(token));
        var (after, _) = await SendAsync(HttpMethod.Get, "secret/data/credo/sandbox-client", token);
        var (wrong, wrongBody) = await SendAsync(HttpMethod.Post, "auth/approle/login", token: null, new { role_id = SandboxVault.DemoRoleId, secret_id = "wrong" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (before, after));
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal("invalid role or secret ID", wrongBody.GetProperty("errors")[0].GetString());
    }

    [Fact]
    public async Task A_write_with_a_stale_check_and_set_is_refused()
    {
        Vault.SetSecret("secret", "cas/test", new Dictionary<string, string> { ["k"] = "1" });

        var (stale, _) = await SendAsync(HttpMethod.Put, "secret/data/cas/test", Vault.RootToken, new { data = new { k = "x" }, options = new { cas = 0 } });
        var (current, body) = await SendAsync(HttpMethod.Post, "secret/data/cas/test", Vault.RootToken, new { data = new { k = "2" }, options = new { cas = 1 } });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.OK), (stale, current));
        Assert.Equal(2, body.GetProperty("data").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_control_API_rotates_a_secret_and_seals_the_vault()
    {
        using var put = await sandbox.Http.PutAsJsonAsync(Control("secrets/secret/rotated/by/control"), new Dictionary<string, string> { ["client_secret"] = "new" }, Ct);
        var version = (await GraphJson.ReadAsync(put)).GetProperty("version").GetInt32();
        using var seal = await sandbox.Http.PostAsync(Control("fault"), content: null, Ct);
        var (sealedStatus, sealedBody) = await SendAsync(HttpMethod.Get, "secret/data/rotated/by/control", Vault.RootToken);
        using var unseal = await sandbox.Http.DeleteAsync(Control("fault"), Ct);
        var (status, _) = await SendAsync(HttpMethod.Get, "secret/data/rotated/by/control", Vault.RootToken);

        Assert.Equal(1, version);
        Assert.Equal("new", Vault.GetSecret("secret", "rotated/by/control")!["client_secret"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, sealedStatus);
        Assert.Equal("Vault is sealed", sealedBody.GetProperty("errors")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(Vault.Unavailable);
    }

    private Uri Control(string path) => new(sandbox.Server.BaseAddress, "sandbox/vault/" + path);

    private async Task<(HttpStatusCode, JsonElement)> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Vault.Address, "v1/" + path));
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        request.Content = body is null ? null : JsonContent.Create(body);
        using var response = await sandbox.Http.SendAsync(request, Ct);
        return (response.StatusCode, await GraphJson.ReadAsync(response));
    }
}
