using System.Net;
using System.Net.Sockets;
using Credo.Server.Cli;
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
        Assert.Contains($"Password        in {file}", credo.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task First_start_says_where_the_keys_are_instead_of_the_unencrypted_key_warning()
    {
        await using var credo = CredoProcess.Start(["serve", "--urls", "http://127.0.0.1:0", "--data", _data]);
        await WaitForAddressAsync(credo);

        Assert.True(Directory.EnumerateFiles(Path.Combine(_data, "keys"), "key-*.xml").Any(), "A key was created, so Data Protection had its warning to give.");
        Assert.DoesNotContain("unencrypted form", credo.Stdout + credo.Stderr, StringComparison.Ordinal);
        Assert.Contains($"keys that encrypt the stored secrets are in {Path.Combine(_data, "keys")}", credo.Stdout, StringComparison.Ordinal);
        Assert.Contains("(0700)", credo.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_port_is_one_line_naming_the_address_and_the_urls_fix_before_anything_else()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var data = Path.Combine(_data, "never-created");

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", data]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"Cannot listen on http://127.0.0.1:{port}: the address is in use. Choose another address with --urls, e.g. --urls http://127.0.0.1:", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "Nothing is created before the address is known to be free.");
    }

    [Fact]
    public async Task An_address_taken_between_the_check_and_the_bind_is_one_line_too()
    {
        // The same address twice passes the check (each is free on its own), and Kestrel's second bind fails as when
        // another process takes the port after the check.
        var port = LoopbackPort.Free();

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["serve", "--urls", $"http://127.0.0.1:{port};http://127.0.0.1:{port}", "--data", _data],
            environment: new Dictionary<string, string> { ["CREDO_ADMIN_PASSWORD"] = "a-password-for-this-test" });

        Assert.Equal(2, exit);
        Assert.DoesNotContain(StartBanner.Title, stdout, StringComparison.Ordinal);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Cannot listen on http://127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_demo_runs_a_sandbox_that_credo_token_gets_a_token_from()
    {
        await using var credo = CredoProcess.Start(["--demo", "--urls", "http://127.0.0.1:0", "--data", _data]);
        var tokenEndpoint = await credo.WaitForLineAsync(StartBanner.TokenEndpointLabel);

        // The banner's token line, run as printed (with 'credo' standing for this executable).
        var printed = await credo.WaitForLineAsync("echo ");
        var pipe = printed.Split(" | credo ", 2);
        Assert.Equal("'sandbox-secret'", pipe[0]);
        var (printedExit, printedToken, printedErrors) = await CredoProcess.RunAsync(ShellWords(pipe[1]), stdin: "sandbox-secret");
        Assert.True(printedExit == 0, printedErrors);
        Assert.Contains("\"access_token\"", printedToken, StringComparison.Ordinal);
        Assert.Contains($"--token-endpoint {tokenEndpoint} ", pipe[1], StringComparison.Ordinal);
        Assert.Contains("a sample mail arrives every 20 s", credo.Stdout, StringComparison.Ordinal);

        // The banner names the sandbox's EWS and Graph URLs and its mailboxes, and the sandbox's address is a page that lists them.
        var sandboxLine = await credo.WaitForLineAsync("Sandbox ");
        var sandboxAddress = new Uri(sandboxLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Contains($"EWS URL         {new Uri(sandboxAddress, "EWS/Exchange.asmx")}", credo.Stdout, StringComparison.Ordinal);
        Assert.Contains("Mailboxes       demo@sandbox.test (EWS), demo-graph@sandbox.test (Graph)", credo.Stdout, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            using var home = await http.GetAsync(sandboxAddress, TestContext.Current.CancellationToken);
            var page = await home.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal((HttpStatusCode.OK, "text/html"), (home.StatusCode, home.Content.Headers.ContentType?.MediaType));
            Assert.Contains(tokenEndpoint, page, StringComparison.Ordinal);
            Assert.Contains("sandbox-client", page, StringComparison.Ordinal);
            Assert.Contains("demo-graph@sandbox.test", page, StringComparison.Ordinal);
            Assert.DoesNotContain("sandbox-secret", page, StringComparison.Ordinal);
        }

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["token", "--token-endpoint", tokenEndpoint, "--client-id", "sandbox-client", "--client-secret-stdin", "--scope", "https://outlook.office365.com/.default"],
            stdin: "sandbox-secret");

        Assert.True(exit == 0, stderr);
        Assert.Contains("\"access_token\"", stdout, StringComparison.Ordinal);

        // The demo's credentials were validated as they were seeded, so the console does not show "Not validated".
        var (_, credentials, _) = await CredoProcess.RunAsync(["credentials", "list", "--json", "--data", _data]);
        var validated = System.Text.Json.JsonDocument.Parse(credentials).RootElement.EnumerateArray()
            .ToDictionary(
                c => c.GetProperty("name").GetString()!,
                c => c.GetProperty("lastValidation") is { ValueKind: System.Text.Json.JsonValueKind.Object } last && last.GetProperty("succeeded").GetBoolean());
        Assert.Equal(
            new Dictionary<string, bool>
            {
                ["Demo credential"] = true, ["Demo Graph credential"] = true, ["Demo certificate credential"] = true,
                ["Demo Vault credential"] = true, ["Demo environment credential"] = true,
            },
            validated);

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

            // The demo's receiver checks each Standard Webhooks signature: delivered means it verified.
            var delivered = 0;
            for (var i = 0; i < 300 && delivered == 0; i++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
                var (_, deliveries, _) = await CredoProcess.RunAsync(["deliveries", "list", "--listener", listener, "--state", "delivered", "--json", "--data", _data]);
                delivered = deliveries.TrimStart().StartsWith('[') ? System.Text.Json.JsonDocument.Parse(deliveries).RootElement.GetArrayLength() : 0;
            }

            Assert.True(delivered > 0, $"{listener}: no delivery was accepted by the demo's receiver.");
        }

        // The demo's Graph twin pushes: the demo is its own Credo:PublicUrl, so the sandbox's Graph posts to its /hooks/graph.
        string? push = null;
        for (var i = 0; i < 300 && push != "Active"; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var (_, shown, _) = await CredoProcess.RunAsync(["listeners", "show", "Demo Graph listener", "--json", "--data", _data]);
            push = shown.TrimStart().StartsWith('{') && System.Text.Json.JsonDocument.Parse(shown).RootElement.GetProperty("health").GetProperty("push") is
                { ValueKind: System.Text.Json.JsonValueKind.Object } state
                ? state.GetProperty("state").GetString()
                : null;
        }

        Assert.Equal("Active", push);
    }

    [Fact]
    public async Task A_public_address_Graph_cannot_post_to_stops_serve_with_what_to_give()
    {
        var data = Path.Combine(_data, "never-created");

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data, "--Credo:PublicUrl=http://credo.example.com"]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Credo:PublicUrl is http://credo.example.com: Microsoft Graph posts change notifications only to https", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "Nothing is created before the settings are known to be right.");
    }

    // Words as a POSIX shell splits them, for the quoting the banner uses: double quotes around a word with spaces.
    private static string[] ShellWords(string line) =>
        System.Text.RegularExpressions.Regex.Matches(line, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToArray();

    private static async Task<string> WaitForAddressAsync(CredoProcess credo)
    {
        // The start banner names the address once the server listens.
        var address = await credo.WaitForLineAsync(StartBanner.ConsoleLabel);
        return address;
    }
}
