using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary>
/// <c>credo credentials add --secret-ref</c>: the secret read from a file when a token is needed, validated against the
/// sandbox; the reference shown, the flags that cannot go together refused, and the reference asked for again when
/// the destination changes.
/// </summary>
public sealed class SecretReferenceCommandTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-").FullName;
    private SandboxServer? _sandbox;

    private SandboxServer Sandbox => _sandbox ?? throw new InvalidOperationException("Not started.");

    private string SecretFile => Path.Combine(_data, "client-secret");

    public async ValueTask InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 }, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_file_reference_validates_against_the_sandbox_and_show_names_it()
    {
        await File.WriteAllTextAsync(SecretFile, SandboxClient.Default().ClientSecret + "\n", TestContext.Current.CancellationToken);
        var add = await RunAsync(["credentials", "add", "--name", "From a file", "--client-id", SandboxClient.Default().ClientId, "--secret-ref", "file:" + SecretFile,
            "--token-endpoint", Sandbox.TokenEndpoint.ToString(), "--scope", SandboxClient.ExchangeOnlineScope]);
        Assert.True(add.ExitCode == 0, add.Stderr);

        var validate = await RunAsync(["credentials", "validate", "From a file", "--json"]);
        var show = await RunAsync(["credentials", "show", "From a file"]);

        Assert.True(validate.ExitCode == 0, validate.Stdout + validate.Stderr);
        Assert.Contains($"read from file:{SecretFile}", validate.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Secret Reference       file:{SecretFile}", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxClient.Default().ClientSecret, validate.Stdout + show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_and_a_reference_together_exit_2()
    {
        var add = await RunAsync(["credentials", "add", "--name", "Both", "--client-id", "c", "--client-secret", "s", "--secret-ref", "env:X",
            "--token-endpoint", Sandbox.TokenEndpoint.ToString(), "--scope", "s"]);

        Assert.Equal(2, add.ExitCode);
        Assert.Contains("--client-secret, --client-secret-stdin or --secret-ref", add.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_the_token_endpoint_needs_the_reference_again()
    {
        var add = await RunAsync(["credentials", "add", "--name", "Referenced", "--client-id", "c", "--secret-ref", "env:CREDO_SECRET_NOT_SET",
            "--token-endpoint", Sandbox.TokenEndpoint.ToString(), "--scope", "s"]);
        Assert.True(add.ExitCode == 0, add.Stderr);

        var refused = await RunAsync(["credentials", "update", "Referenced", "--token-endpoint", "https://login.example.test/token"]);
        var moved = await RunAsync(["credentials", "update", "Referenced", "--token-endpoint", "https://login.example.test/token", "--secret-ref", "env:CREDO_SECRET_NOT_SET"]);
        var show = await RunAsync(["credentials", "show", "Referenced", "--json"]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(CredentialRules.RetypeReference + " Give it with --secret-ref.", refused.Stderr, StringComparison.Ordinal);
        Assert.True(moved.ExitCode == 0, moved.Stderr);
        Assert.Equal("env:CREDO_SECRET_NOT_SET", JsonDocument.Parse(show.Stdout).RootElement.GetProperty("secretReference").GetString());
    }

    // The data folder is not a place to read secrets from in production; here it stands for /run/secrets.
    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args) =>
        CredoProcess.RunAsync([.. args, "--data", _data], environment: new Dictionary<string, string> { ["Credo__SecretSources__FileFolders__0"] = _data });
}
