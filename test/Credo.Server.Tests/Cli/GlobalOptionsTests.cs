using Credo.Server.Cli;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Cli;

/// <summary>
/// <c>--data</c> is a global option: before the verb or after it, every command works on that folder and none starts a
/// server by mistake; and one server runs per data folder.
/// </summary>
public sealed class GlobalOptionsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-global-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    public static TheoryData<string[], int, string> Verbs => new()
    {
        { ["credentials", "list"], 0, "No credentials." },
        { ["listeners", "list"], 0, "No listeners." },
        { ["messages", "list", "--listener", "Nobody"], 2, "There is no listener named \"Nobody\"" },
        { ["users", "reset-password", "--name", "nobody"], 2, "nobody" },
        { ["migrate"], 0, "" },
        { ["token", "--token-endpoint", "http://127.0.0.1:1/token", "--client-id", "c", "--client-secret-stdin", "--scope", "s"], 3, "Cannot connect to 127.0.0.1:1" },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Data_before_the_verb_runs_the_verb_on_that_folder(string[] verb, int exitCode, string says)
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(["--data", _data, .. verb], stdin: "secret\n");

        Assert.True(exit == exitCode, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains(says, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot listen", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(StartBanner.ConsoleLabel, stdout, StringComparison.Ordinal);
        if (verb[0] != "token")
        {
            Assert.True(File.Exists(Path.Combine(_data, "credo.db")), "the command opened the database in the folder given");
        }
    }

    [Fact]
    public async Task Data_after_the_verb_is_the_same()
    {
        var (exit, stdout, _) = await CredoProcess.RunAsync(["credentials", "list", "--data", _data]);

        Assert.Equal((0, "No credentials."), (exit, stdout.Trim()));
        Assert.True(File.Exists(Path.Combine(_data, "credo.db")));
    }

    [Fact]
    public async Task Serve_and_sandbox_take_data_before_the_verb_too()
    {
        await using (var sandbox = CredoProcess.Start(["--data", _data, "sandbox", "--urls", "http://127.0.0.1:0"]))
        {
            Assert.StartsWith("http://127.0.0.1:", await sandbox.WaitForLineAsync("address"), StringComparison.Ordinal);
        }

        await using var serve = CredoProcess.Start(["--data", _data, "serve", "--urls", "http://127.0.0.1:0"]);
        Assert.StartsWith("http://127.0.0.1:", await serve.WaitForLineAsync(StartBanner.ConsoleLabel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_server_on_one_data_folder_exits_with_one_line_naming_the_first_and_changes_nothing()
    {
        await using var first = CredoProcess.Start(["--data", _data, "--urls", "http://127.0.0.1:0", "--demo"]);
        await first.WaitForLineAsync(StartBanner.ConsoleLabel);
        var before = Snapshot();

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(["--data", _data, "--urls", "http://127.0.0.1:0", "--demo"]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var pid = (await File.ReadAllTextAsync(Path.Combine(_data, "credo.lock"), TestContext.Current.CancellationToken)).Trim();
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"The data folder {_data} is in use by another Credo server (pid {pid}). Stop it first, or choose another folder with --data.", line);
        Assert.Equal(before, Snapshot());
    }

    // The database's settings tables as the first server left them: the second must not have rewritten a row.
    private string Snapshot()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "credo.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(Id || ':' || Version || ':' || coalesce(ProtocolSettings, ''), '|') FROM email_listeners; ";
        var listeners = command.ExecuteScalar() as string;
        command.CommandText = "SELECT group_concat(Id || ':' || Version || ':' || TokenEndpoint, '|') FROM credentials;";
        return $"{listeners} / {command.ExecuteScalar()}";
    }
}
