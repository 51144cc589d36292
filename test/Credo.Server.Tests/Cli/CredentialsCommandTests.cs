using System.Text;
using System.Text.Json;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo credentials|users|migrate</c> run as processes on one data folder, as an operator runs them.</summary>
public sealed class CredentialsCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Credential_lifecycle_through_the_command_line_keeps_the_secret_usable_and_unreadable()
    {
        var secret = SandboxFixture.Client.ClientSecret;

        var add = await RunAsync(["credentials", "add", "--name", "Exchange Online", "--client-id", SandboxFixture.Client.ClientId, "--client-secret-stdin",
            "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--scope", "https://outlook.office365.com/.default"], secret);
        Assert.True(add.ExitCode == 0, add.Stderr);

        var list = await RunAsync(["credentials", "list", "--json"]);
        using (var json = JsonDocument.Parse(list.Stdout))
        {
            var only = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal("Exchange Online", only.GetProperty("name").GetString());
            Assert.Equal("ClientSecretBasic", only.GetProperty("authenticationMethod").GetString());
        }

        // A new process, so the secret is read back through the key ring on disk: it must still work.
        var validate = await RunAsync(["credentials", "validate", "exchange online", "--json"]);
        Assert.True(validate.ExitCode == 0, validate.Stdout + validate.Stderr);
        using (var report = JsonDocument.Parse(validate.Stdout))
        {
            Assert.True(report.RootElement.GetProperty("succeeded").GetBoolean());
        }

        var show = await RunAsync(["credentials", "show", "Exchange Online"]);
        Assert.Contains("Valid", show.Stdout, StringComparison.Ordinal);

        var update = await RunAsync(["credentials", "update", "Exchange Online", "--auth", "body", "--client-secret-stdin"], "wrong-secret");
        Assert.Equal(0, update.ExitCode);
        var refused = await RunAsync(["credentials", "validate", "Exchange Online"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("invalid_client", refused.Stderr, StringComparison.Ordinal);

        var delete = await RunAsync(["credentials", "delete", "Exchange Online"]);
        Assert.Equal(0, delete.ExitCode);
        var missing = await RunAsync(["credentials", "show", "Exchange Online"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("There is no credential named", missing.Stderr, StringComparison.Ordinal);

        foreach (var output in new[] { add, list, validate, show, update, refused, delete })
        {
            Assert.DoesNotContain(secret, output.Stdout + output.Stderr, StringComparison.Ordinal);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(_data).SelectMany(File.ReadAllBytes).ToArray();
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_values_exit_2_naming_each_field()
    {
        var result = await RunAsync(["credentials", "add", "--name", " ", "--client-id", "x", "--client-secret", "s", "--token-endpoint", "http://idp.example.com/t", "--scope", "a\"b"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Name: Enter a name", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Token Endpoint:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Scopes:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_are_added_and_their_passwords_reset()
    {
        Assert.Equal(0, (await RunAsync(["migrate"])).ExitCode);

        var add = await RunAsync(["users", "add", "--name", "carol", "--role", "Administrator"], "carol-password-1");
        var duplicate = await RunAsync(["users", "add", "--name", "CAROL"], "carol-password-2");
        var weak = await RunAsync(["users", "reset-password", "--name", "carol"], "short");
        var reset = await RunAsync(["users", "reset-password", "--name", "carol"], "carol-password-3");

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, weak.ExitCode);
        Assert.Contains("at least 12 characters", weak.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, reset.ExitCode);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null) =>
        CredoProcess.RunAsync([.. args, "--data", _data], stdin);
}
