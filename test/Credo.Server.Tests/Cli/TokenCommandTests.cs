using System.Text.Json;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo token</c> run as a process against a real authorization server.</summary>
public sealed class TokenCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string Scope = SandboxClient.ExchangeOnlineScope;
    private static readonly string Secret = SandboxFixture.Client.ClientSecret;

    [Theory]
    [InlineData("basic")]
    [InlineData("body")]
    public async Task Prints_the_token_as_JSON_and_exits_0(string auth)
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", SandboxFixture.Client.ClientId, "--client-secret-stdin", "--scope", Scope, "--auth", auth],
            stdin: Secret + "\n");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("access_token").GetString()!.Split('.').Length);
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        Assert.InRange(root.GetProperty("expires_in").GetInt64(), 3500, 3600);
        Assert.Equal(Scope, root.GetProperty("scope").GetString());
        AssertNoSecret(stdout, stderr);
    }

    [Fact]
    public async Task Secret_given_as_a_flag_is_not_echoed()
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", SandboxFixture.Client.ClientId, "--client-secret", Secret, "--scope", Scope]);

        Assert.Equal(0, exit);
        AssertNoSecret(stdout, stderr);
    }

    [Fact]
    public async Task OAuth_error_exits_1_with_the_error_as_JSON_for_json()
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", SandboxFixture.Client.ClientId, "--client-secret-stdin", "--scope", Scope, "--json"],
            stdin: "wrong " + Secret);

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("oauth_error", json.RootElement.GetProperty("stage").GetString());
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
        Assert.Contains("Send credentials in the body of the request", json.RootElement.GetProperty("hint").GetString(), StringComparison.Ordinal);
        AssertNoSecret(stdout, stderr);
    }

    [Fact]
    public async Task OAuth_error_without_json_is_explained_on_stderr()
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--client-id", SandboxFixture.Client.ClientId, "--client-secret-stdin", "--scope", "api://unknown/.default"],
            stdin: Secret);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("invalid_scope", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "token" }, "Option '--token-endpoint' is required")]
    [InlineData(new[] { "token", "--token-endpoint", "http://idp.example.com/token", "--client-id", "a", "--client-secret", "s", "--scope", "x" }, "uses http")]
    [InlineData(new[] { "token", "--token-endpoint", "https://idp.example.com/token", "--client-id", "a", "--client-secret", "s", "--client-secret-stdin", "--scope", "x" }, "not both")]
    [InlineData(new[] { "token", "--token-endpoint", "https://idp.example.com/token", "--client-id", "a", "--scope", "x" }, "--client-secret-stdin")]
    [InlineData(new[] { "token", "--token-endpoint", "https://idp.example.com/token", "--client-id", "a", "--client-secret", "s", "--scope", "a\"b" }, "double quote")]
    [InlineData(new[] { "token", "--token-endpoint", "https://idp.example.com/token", "--client-id", "a", "--client-secret", "s", "--scope", "x", "--auth", "digest" }, "digest")]
    [InlineData(new[] { "token", "--token-endpoint", "https://169.254.169.254/token", "--client-id", "a", "--client-secret", "s", "--scope", "x" }, "blocked network")]
    public async Task Bad_arguments_exit_2_with_a_clear_message(string[] args, string message)
    {
        var (exit, _, stderr) = await CredoProcess.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_settings_exit_2_naming_the_setting()
    {
        var (exit, _, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", "https://idp.example.com/token", "--client-id", "a", "--client-secret", "s", "--scope", "x"],
            environment: new Dictionary<string, string> { ["Credo__Outbound__BlockedNetworks__0"] = "10.0.0.0/99" });

        Assert.Equal(2, exit);
        Assert.Contains("Credo:Outbound:BlockedNetworks", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_to_a_non_loopback_host_is_allowed_when_the_operator_allows_it()
    {
        var (exit, _, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", "http://credo-test.invalid/token", "--client-id", "a", "--client-secret", "s", "--scope", "x"],
            environment: new Dictionary<string, string> { ["Credo__Outbound__AllowHttp"] = "true" });

        // The address is accepted; the .invalid name then fails to resolve (RFC 6761), a transport failure.
        Assert.Equal(3, exit);
        Assert.Contains("does not resolve", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_connection_exits_3()
    {
        var (exit, _, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", "http://127.0.0.1:1/token", "--client-id", "a", "--client-secret-stdin", "--scope", "x"],
            stdin: Secret);

        Assert.Equal(3, exit);
        Assert.Contains("Cannot connect to 127.0.0.1:1", stderr, StringComparison.Ordinal);
        AssertNoSecret("", stderr);
    }

    [Fact]
    public async Task Answer_that_is_not_OAuth_exits_3_without_its_body()
    {
        await using var server = await LoopbackServer.AnsweringAsync(500, "text/html", "<html>Stack trace: at Server.Secret()</html>");
        var endpoint = server.Url("token").ToString();

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", endpoint, "--client-id", "a", "--client-secret-stdin", "--scope", "x", "--json"],
            stdin: Secret);

        Assert.Equal(3, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("not_oauth_response", json.RootElement.GetProperty("stage").GetString());
        Assert.Equal(500, json.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("Stack trace", stdout + stderr, StringComparison.Ordinal);
    }

    private static void AssertNoSecret(string stdout, string stderr)
    {
        Assert.DoesNotContain(Secret, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stderr, StringComparison.Ordinal);
    }
}
