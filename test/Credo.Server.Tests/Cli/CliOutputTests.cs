using System.Text.Json;
using Credo.Server.Cli;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary>How <c>credo</c> prints: usage hints, text and JSON output, tables.</summary>
public sealed class CliOutputTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-output-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_missing_option_points_at_the_help_of_the_whole_command()
    {
        var (exit, _, stderr) = await CredoProcess.RunAsync(["messages", "list", "--data", _data]);

        Assert.Equal(2, exit);
        Assert.Contains("--listener", stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'credo messages list --help' for usage.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listeners_show_prints_text_and_JSON_only_with_json_and_JSON_keeps_angle_brackets_as_typed()
    {
        var credential = await CredoProcess.RunAsync(
            ["credentials", "add", "--name", "Contoso", "--client-id", "client", "--client-secret-stdin", "--token-endpoint", "https://login.example.test/token",
                "--scope", "https://outlook.office365.com/.default", "--data", _data], stdin: "a-secret");
        Assert.True(credential.ExitCode == 0, credential.Stderr);
        var added = await CredoProcess.RunAsync(
            ["listeners", "add", "--name", "Invoices <EU> & Co", "--credential", "Contoso", "--mailbox", "invoices@contoso.com", "--data", _data]);
        Assert.True(added.ExitCode == 0, added.Stderr);

        var text = await CredoProcess.RunAsync(["listeners", "show", "Invoices <EU> & Co", "--data", _data]);
        var json = await CredoProcess.RunAsync(["listeners", "show", "Invoices <EU> & Co", "--json", "--data", _data]);

        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.DoesNotContain("{", text.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Name\s+Invoices <EU> & Co$", text.Stdout);
        Assert.Matches(@"(?m)^Credential\s+Contoso$", text.Stdout);
        Assert.Matches(@"(?m)^Mailbox\s+invoices@contoso\.com$", text.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("Invoices <EU> & Co", document.RootElement.GetProperty("name").GetString());
        Assert.Contains("\"name\": \"Invoices <EU> & Co\"", json.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_lines_every_column_up_under_its_heading()
    {
        var sut = CommandOutput.Table(
            ["RECORDED (UTC)", "FROM", "SUBJECT"],
            [["2026-11-30 14:27:48", "someone.with.a.long.address@contoso.com", "Invoice 1"], ["2026-11-30 14:27:49", "a@b.c", "Invoice 2"]]);

        var lines = sut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        foreach (var heading in new[] { "FROM", "SUBJECT" })
        {
            var column = lines[0].IndexOf(heading, StringComparison.Ordinal);
            Assert.All(lines, line => Assert.Equal(("  ", false), (line[(column - 2)..column], char.IsWhiteSpace(line[column]))));
        }
    }

    [Fact]
    public void A_table_prints_no_control_or_direction_character_of_its_cells_and_keeps_its_columns()
    {
        var sut = CommandOutput.Table(
            ["FROM", "SUBJECT"],
            [["Boss\u001b]0;pwned\u0007 <boss@attacker.test>", "Invoice\r\n42\u0000 \u202Egpj.exe"], ["a@b.c", "Plain"]]);

        Assert.Equal(-1, sut.IndexOfAny(['\u001b', '\u0007', '\0', '\r', '\u202E']));
        var lines = sut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["FROM                               SUBJECT", "Boss]0;pwned <boss@attacker.test>  Invoice  42 gpj.exe", "a@b.c                              Plain"], lines);
    }
}
