using System.Net;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo serve</c> run as a process, as the README tells a newcomer to run it.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-serve-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Serve_answers_health_and_readiness()
    {
        await using var credo = CredoProcess.Start(["serve", "--urls", "http://127.0.0.1:0", "--data", _data]);
        var address = await WaitForAddressAsync(credo);
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task First_start_creates_admin_with_a_generated_password_printed_once_and_kept_owner_only()
    {
        await using var credo = CredoProcess.Start(["serve", "--urls", "http://127.0.0.1:0", "--data", _data]);
        await WaitForAddressAsync(credo);

        var file = Path.Combine(_data, "initial-admin-password");
        var password = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
        Assert.Equal(24, password.Length);
        Assert.Contains($"password '{password}'", credo.Stdout, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_data, "keys")));
        Assert.True(File.Exists(Path.Combine(_data, "credo.db")));
    }

    [Fact]
    public async Task Serve_demo_runs_a_sandbox_that_credo_token_gets_a_token_from()
    {
        await using var credo = CredoProcess.Start(["--demo", "--urls", "http://127.0.0.1:0", "--data", _data]);
        var tokenEndpoint = await credo.WaitForLineAsync("token endpoint");

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", tokenEndpoint, "--client-id", "sandbox-client", "--client-secret-stdin", "--scope", "https://outlook.office365.com/.default"],
            stdin: "sandbox-secret");

        Assert.True(exit == 0, stderr);
        Assert.Contains("\"access_token\"", stdout, StringComparison.Ordinal);

        // The demo credential points at the sandbox and validates.
        var (validateExit, report, validateErrors) = await CredoProcess.RunAsync(["credentials", "validate", "Demo credential", "--data", _data]);
        Assert.True(validateExit == 0, validateErrors);
        Assert.Contains("Token issued", report, StringComparison.Ordinal);

        // Both demo listeners, over EWS and over Graph, record the sandbox's sample mail.
        foreach (var listener in new[] { "Demo listener", "Demo Graph listener" })
        {
            var recorded = 0;
            for (var i = 0; i < 300 && recorded < 10; i++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
                var (_, messages, _) = await CredoProcess.RunAsync(["messages", "list", "--listener", listener, "--json", "--data", _data]);
                recorded = messages.TrimStart().StartsWith('[') ? System.Text.Json.JsonDocument.Parse(messages).RootElement.GetArrayLength() : 0;
            }

            Assert.True(recorded >= 10, $"{listener} recorded {recorded} mail(s).");
        }
    }

    private static async Task<string> WaitForAddressAsync(CredoProcess credo)
    {
        // The console logger prints "Now listening on: http://127.0.0.1:PORT" on the line after the category.
        var address = await credo.WaitForLineAsync("Now listening on:");
        return address;
    }
}
