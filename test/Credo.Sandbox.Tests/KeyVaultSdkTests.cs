using Azure;
using Azure.Security.KeyVault.Secrets;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>
/// The official Azure Key Vault SDK (<c>SecretClient</c>) with Azure.Identity's <c>ClientSecretCredential</c>, unchanged,
/// against the sandbox's https Key Vault: the challenge on its first, unauthenticated request, the token from the
/// sandbox under Entra's paths, reads, versions, writes and refusals.
/// </summary>
public sealed class KeyVaultSdkTests(VaultSandboxFixture sandbox) : IClassFixture<VaultSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_SDK_reads_the_demo_secret_through_the_challenge_with_a_client_secret_credential()
    {
        var sut = sandbox.Secrets();

        KeyVaultSecret secret = await sut.GetSecretAsync("sandbox-client-secret", cancellationToken: Ct);

        Assert.Equal(SandboxClient.Default().ClientSecret, secret.Value);
        Assert.Equal(new Uri(sandbox.Server.KeyVaultUri, "secrets/sandbox-client-secret/" + secret.Properties.Version), secret.Id);
        Assert.True(secret.Properties.Enabled);
        Assert.Equal("Recoverable+Purgeable", secret.Properties.RecoveryLevel);
    }

    [Fact]
    public async Task A_version_is_read_by_its_id_and_the_latest_without_one()
    {
        var first = sandbox.Server.KeyVault.SetSecret("rotated", "one", "text/plain");
        var second = sandbox.Server.KeyVault.SetSecret("rotated", "two");
        var sut = sandbox.Secrets();

        KeyVaultSecret old = await sut.GetSecretAsync("rotated", first, Ct);
        KeyVaultSecret latest = await sut.GetSecretAsync("rotated", cancellationToken: Ct);

        Assert.Equal(("one", first, "text/plain"), (old.Value, old.Properties.Version, old.Properties.ContentType));
        Assert.Equal(("two", second), (latest.Value, latest.Properties.Version));
    }

    [Fact]
    public async Task A_secret_set_through_the_SDK_is_a_new_version_read_back()
    {
        var sut = sandbox.Secrets();
        var before = sandbox.Server.KeyVault.SetSecret("written", "before");

        KeyVaultSecret set = await sut.SetSecretAsync(new KeyVaultSecret("written", "after") { Properties = { ContentType = "application/x-pem-file" } }, Ct);
        KeyVaultSecret read = await sut.GetSecretAsync("written", cancellationToken: Ct);

        Assert.NotEqual(before, set.Properties.Version);
        Assert.Equal(("after", set.Properties.Version, "application/x-pem-file"), (read.Value, read.Properties.Version, read.Properties.ContentType));
        Assert.Equal("after", sandbox.Server.KeyVault.GetSecret("written"));
    }

    [Fact]
    public async Task An_unknown_secret_is_a_404_SecretNotFound()
    {
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => sandbox.Secrets().GetSecretAsync("no-such-secret", cancellationToken: Ct));

        Assert.Equal((404, "SecretNotFound"), (e.Status, e.ErrorCode));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused_with_401()
    {
        var graphToken = new SandboxTokenCredential(sandbox.Tokens(SandboxClient.Default(), SandboxClient.GraphScope));

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => sandbox.Secrets(graphToken).GetSecretAsync("sandbox-client-secret", cancellationToken: Ct));

        Assert.Equal((401, "Unauthorized"), (e.Status, e.ErrorCode));
        Assert.Contains("audience", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_the_vault_refuses_gets_403_Forbidden()
    {
        var e = await Assert.ThrowsAsync<RequestFailedException>(() =>
            sandbox.Secrets(sandbox.Credential(VaultSandboxFixture.RefusedClient)).GetSecretAsync("sandbox-client-secret", cancellationToken: Ct));

        Assert.Equal((403, "Forbidden"), (e.Status, e.ErrorCode));
    }
}
