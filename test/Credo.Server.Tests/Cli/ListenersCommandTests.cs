using System.Text.Json;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo listeners</c> run as processes on one data folder: each protocol's settings round-trip, and Test connection.</summary>
public sealed class ListenersCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-listeners-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Each_protocol_round_trips_and_Test_connection_reports_step_by_step()
    {
        // A credential per resource, as Entra has them: Exchange Online for EWS and IMAP, Microsoft Graph for Graph.
        foreach (var (name, scope) in new[] { ("Sandbox", "https://outlook.office365.com/.default"), ("Sandbox Graph", "https://graph.microsoft.com/.default") })
        {
            var credential = await RunAsync(["credentials", "add", "--name", name, "--client-id", SandboxFixture.Client.ClientId, "--client-secret-stdin",
                "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--scope", scope, "--resource-hosts", "127.0.0.1 *.example.test"], SandboxFixture.Client.ClientSecret);
            Assert.True(credential.ExitCode == 0, credential.Stderr);
        }

        var ews = await RunAsync(["listeners", "add", "--name", "Ews", "--credential", "Sandbox", "--mailbox", SandboxOptions.DemoMailbox, "--ews-url", sandbox.EwsEndpoint.ToString()]);
        var graph = await RunAsync(["listeners", "add", "--name", "Graph", "--credential", "Sandbox Graph", "--mailbox", "invoices@contoso.com", "--protocol", "graph",
            "--graph-url", "https://graph.example.test/v1.0/"]);
        var imap = await RunAsync(["listeners", "add", "--name", "Imap", "--credential", "Sandbox", "--mailbox", "invoices@contoso.com", "--protocol", "IMAP",
            "--imap-host", "imap.example.test", "--imap-port", "143", "--imap-security", "starttls", "--imap-user", "reader@contoso.com", "--sasl", "oauthbearer"]);
        Assert.All(new[] { ews, graph, imap }, r => Assert.True(r.ExitCode == 0, r.Stderr));

        using (var shown = JsonDocument.Parse((await RunAsync(["listeners", "show", "Graph", "--json"])).Stdout))
        {
            Assert.Equal("Graph", shown.RootElement.GetProperty("protocol").GetString());
            Assert.Equal("https://graph.example.test/v1.0", shown.RootElement.GetProperty("graph").GetProperty("url").GetString());
        }

        using (var shown = JsonDocument.Parse((await RunAsync(["listeners", "show", "Imap", "--json"])).Stdout))
        {
            var settings = shown.RootElement.GetProperty("imap");
            Assert.Equal("IMAP", shown.RootElement.GetProperty("protocol").GetString());
            Assert.Equal(("imap.example.test", 143, "StartTls", "reader@contoso.com", "OAuthBearer"), (
                settings.GetProperty("host").GetString(), settings.GetProperty("port").GetInt32(), settings.GetProperty("security").GetString(),
                settings.GetProperty("userName").GetString(), settings.GetProperty("sasl").GetString()));
        }

        // Switching protocol keeps the listener; an update changes only the flags given.
        var switched = await RunAsync(["listeners", "update", "Graph", "--protocol", "ews", "--ews-url", sandbox.EwsEndpoint.ToString(), "--credential", "Sandbox"]);
        Assert.True(switched.ExitCode == 0, switched.Stderr);
        var list = await RunAsync(["listeners", "list"]);
        Assert.Matches(@"Graph\s+EWS\s+invoices@contoso\.com", list.Stdout);
        Assert.Matches(@"Imap\s+IMAP\s+", list.Stdout);

        var ok = await RunAsync(["listeners", "test", "Ews"]);
        Assert.True(ok.ExitCode == 0, ok.Stdout + ok.Stderr);
        Assert.Contains("ok   Token:", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ok   Mailbox and folder: {SandboxOptions.DemoMailbox} › Inbox:", ok.Stdout, StringComparison.Ordinal);

        var unavailable = await RunAsync(["listeners", "test", "Imap", "--json"]);
        Assert.Equal(1, unavailable.ExitCode);
        using (var report = JsonDocument.Parse(unavailable.Stdout))
        {
            Assert.False(report.RootElement.GetProperty("succeeded").GetBoolean());
            Assert.Contains("imap.example.test does not resolve", report.RootElement.GetProperty("steps").EnumerateArray().Last().GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var polled = await RunAsync(["listeners", "poll", "Imap"]);
        Assert.Equal(1, polled.ExitCode);
        Assert.Contains("imap.example.test does not resolve", polled.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_protocol_values_are_refused_naming_the_flag_and_the_choices()
    {
        var credential = await RunAsync(["credentials", "add", "--name", "Any", "--client-id", "id", "--client-secret-stdin",
            "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--scope", "s", "--resource-hosts", "*.example.test outlook.office365.com"], "secret");
        Assert.Equal(0, credential.ExitCode);

        var protocol = await RunAsync(["listeners", "add", "--name", "Smtp", "--credential", "Any", "--mailbox", "a@b.test", "--protocol", "smtp"]);
        Assert.Equal(2, protocol.ExitCode);
        Assert.Contains("--protocol \"smtp\" is not one of ews, graph, imap, pop3", protocol.Stderr, StringComparison.Ordinal);

        // POP3 has one folder and no flags.
        var pop3 = await RunAsync(["listeners", "add", "--name", "Pop", "--credential", "Any", "--mailbox", "a@b.test", "--protocol", "pop3",
            "--pop3-host", "pop.example.test", "--folder", "Invoices", "--after", "mark-read"]);
        Assert.Equal(2, pop3.ExitCode);
        Assert.Contains("--folder: POP3 has one folder: leave the folder Inbox.", pop3.Stderr, StringComparison.Ordinal);
        Assert.Contains("--after: POP3 cannot mark mail after processing: choose Delete or Leave unchanged.", pop3.Stderr, StringComparison.Ordinal);

        var plain = await RunAsync(["listeners", "add", "--name", "Plain", "--credential", "Any", "--mailbox", "a@b.test", "--protocol", "imap",
            "--imap-host", "imap.example.test", "--imap-security", "none"]);
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("--imap-security: Security None would send the token unencrypted", plain.Stderr, StringComparison.Ordinal);

        var noHost = await RunAsync(["listeners", "add", "--name", "NoHost", "--credential", "Any", "--mailbox", "a@b.test", "--protocol", "imap"]);
        Assert.Equal(2, noHost.ExitCode);
        Assert.Contains("--imap-host: Enter the IMAP server's host name", noHost.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_content_days_is_set_cleared_and_checked()
    {
        var credential = await RunAsync(["credentials", "add", "--name", "Any", "--client-id", "id", "--client-secret-stdin",
            "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--scope", "s", "--resource-hosts", "*.example.test outlook.office365.com"], "secret");
        Assert.Equal(0, credential.ExitCode);

        var added = await RunAsync(["listeners", "add", "--name", "Kept", "--credential", "Any", "--mailbox", "a@b.test", "--keep-content-days", "7"]);
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Equal(7, await KeepContentDaysAsync("Kept"));

        var cleared = await RunAsync(["listeners", "update", "Kept", "--keep-content-days", "default"]);
        Assert.True(cleared.ExitCode == 0, cleared.Stderr);
        Assert.Null(await KeepContentDaysAsync("Kept"));

        var text = await RunAsync(["listeners", "update", "Kept", "--keep-content-days", "a week"]);
        Assert.Equal(2, text.ExitCode);
        Assert.Contains("--keep-content-days \"a week\" is not a number of days", text.Stderr, StringComparison.Ordinal);
        var tooMany = await RunAsync(["listeners", "update", "Kept", "--keep-content-days", "99999"]);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("--keep-content-days: Keep mail content (days) is a number from 0", tooMany.Stderr, StringComparison.Ordinal);
    }

    private async Task<int?> KeepContentDaysAsync(string name)
    {
        using var shown = JsonDocument.Parse((await RunAsync(["listeners", "show", name, "--json"])).Stdout);
        return shown.RootElement.GetProperty("keepContentDays") is { ValueKind: JsonValueKind.Number } days ? days.GetInt32() : null;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null) =>
        CredoProcess.RunAsync([.. args, "--data", _data], stdin);
}
