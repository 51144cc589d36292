using System.Runtime.Versioning;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Credo.Server.Tests.Cli;

/// <summary>The data folder holds mail, password hashes and the audit log: on Unix it is its owner's only, folders 0700, files 0600.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionsTests : IDisposable
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Folder0755 = Folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode File0644 = File0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _root = Directory.CreateTempSubdirectory("credo-perm-").FullName;

    private string Data => Path.Combine(_root, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Serve_on_a_fresh_data_folder_makes_the_folder_0700_and_every_file_in_it_0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions only.");
        await using var credo = CredoProcess.Start(["serve", "--urls", "http://127.0.0.1:0", "--data", Data]);
        await credo.WaitForLineAsync(Credo.Server.Cli.StartBanner.ConsoleLabel);

        // SQLite creates its -wal and -shm files, and Data Protection its key, while the server starts.
        await EventuallyAsync(() =>
            File.Exists(Path.Combine(Data, "credo.db-wal")) && File.Exists(Path.Combine(Data, "credo.db-shm")) &&
            Directory.EnumerateFiles(Path.Combine(Data, "keys"), "key-*.xml").Any() && File.Exists(Path.Combine(Data, "initial-admin-password")));

        AssertOwnerOnly();
    }

    [Fact]
    public async Task A_CLI_command_on_a_fresh_data_folder_makes_the_folder_0700_and_the_database_0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions only.");

        var (exit, _, stderr) = await CredoProcess.RunAsync(["migrate", "--data", Data]);

        Assert.True(exit == 0, stderr);
        Assert.True(File.Exists(Path.Combine(Data, "credo.db")));
        AssertOwnerOnly();
    }

    [Fact]
    public async Task Serve_narrows_a_data_folder_that_others_can_read_and_logs_each_entry_it_narrowed()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions only.");
        var (exit, _, stderr) = await CredoProcess.RunAsync(["migrate", "--data", Data]);
        Assert.True(exit == 0, stderr);
        var database = Path.Combine(Data, "credo.db");
        var backup = Path.Combine(Data, "backup.txt");
        await File.WriteAllTextAsync(backup, "an operator's note", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(Data, Folder0755);
        File.SetUnixFileMode(Path.Combine(Data, "keys"), Folder0755);
        File.SetUnixFileMode(database, File0644);
        File.SetUnixFileMode(backup, File0644 | UnixFileMode.OtherWrite);

        await using var credo = CredoProcess.Start(["serve", "--urls", "http://127.0.0.1:0", "--data", Data]);
        await credo.WaitForLineAsync(Credo.Server.Cli.StartBanner.ConsoleLabel);

        AssertOwnerOnly();
        var log = credo.Stdout + credo.Stderr;
        Assert.Contains($"Narrowed the permissions of {Data} from 0755 to 0700", log, StringComparison.Ordinal);
        Assert.Contains($"Narrowed the permissions of {database} from 0644 to 0600", log, StringComparison.Ordinal);
        Assert.Contains($"Narrowed the permissions of {backup} from 0646 to 0600", log, StringComparison.Ordinal);
    }

    private void AssertOwnerOnly()
    {
        Assert.Equal(Folder, File.GetUnixFileMode(Data));
        var entries = Directory.EnumerateFileSystemEntries(Data, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(Path.Combine(Data, "keys"), entries);
        Assert.All(entries, entry => Assert.True(
            File.GetUnixFileMode(entry) == (Directory.Exists(entry) ? Folder : File0600),
            $"{entry} has mode {Convert.ToString((int)File.GetUnixFileMode(entry), 8)}"));
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "The server did not create its database, key and first-admin files within 30 s.");
    }
}
