using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary>
/// <c>credo credentials update</c> may not move the stored secret to another Token Endpoint or Client Identifier
/// unless the secret is given again, so a later <c>credentials validate</c> cannot send it there.
/// </summary>
public sealed class StoredSecretDestinationCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("--token-endpoint")]
    [InlineData("--client-id")]
    public async Task Update_that_changes_where_the_stored_secret_goes_without_giving_it_again_exits_2_and_sends_nothing(string flag)
    {
        await using var saved = await InvalidClientEndpointAsync();
        await using var elsewhere = await InvalidClientEndpointAsync();
        var add = await RunAsync(["credentials", "add", "--name", "Exchange Online", "--client-id", "client-1", "--client-secret-stdin",
            "--token-endpoint", saved.Url("token").ToString(), "--scope", "https://outlook.office365.com/.default"], "stored-secret");
        Assert.True(add.ExitCode == 0, add.Stderr);

        var update = await RunAsync(["credentials", "update", "Exchange Online", flag, flag == "--client-id" ? "someone-elses-client" : elsewhere.Url("token").ToString()]);
        var validate = await RunAsync(["credentials", "validate", "Exchange Online", "--json"]);
        var show = await RunAsync(["credentials", "show", "Exchange Online", "--json"]);

        Assert.Equal(2, update.ExitCode);
        Assert.Contains(CredentialRules.RetypeSecret, update.Stderr, StringComparison.Ordinal);
        Assert.Contains("--client-secret-stdin", update.Stderr, StringComparison.Ordinal);
        Assert.Contains("invalid_client", validate.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(show.Stdout);
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(saved.Url("token").ToString(), json.RootElement.GetProperty("tokenEndpoint").GetString());
        Assert.Equal((1, 0), (saved.Requests, elsewhere.Requests));
    }

    [Fact]
    public async Task Update_that_gives_the_secret_again_may_change_the_token_endpoint()
    {
        await using var saved = await InvalidClientEndpointAsync();
        await using var elsewhere = await InvalidClientEndpointAsync();
        var add = await RunAsync(["credentials", "add", "--name", "Moving", "--client-id", "c", "--client-secret-stdin",
            "--token-endpoint", saved.Url("token").ToString(), "--scope", "s"], "first-secret");
        Assert.True(add.ExitCode == 0, add.Stderr);

        var update = await RunAsync(["credentials", "update", "Moving", "--token-endpoint", elsewhere.Url("token").ToString(), "--client-secret-stdin"], "second-secret");

        Assert.True(update.ExitCode == 0, update.Stderr);
        Assert.Contains("version 2", update.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A token endpoint on loopback that refuses every client, quickly, and counts what reaches it.</summary>
    private static Task<LoopbackServer> InvalidClientEndpointAsync() =>
        LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null) =>
        CredoProcess.RunAsync([.. args, "--data", _data], stdin);
}
