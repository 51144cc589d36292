namespace Credo.Server.Hosting;

/// <summary>
/// The data folder: <c>--data</c>, else <c>CREDO_DATA</c>, else <c>./data</c>, as a full path that exists. It holds
/// <c>credo.db</c> and the Data Protection key ring in <c>keys/</c>, readable by the owner only.
/// </summary>
internal sealed record DataFolder(string Path)
{
    public string DatabaseFile => System.IO.Path.Combine(Path, "credo.db");

    public string KeysFolder => System.IO.Path.Combine(Path, "keys");

    public string InitialAdminPasswordFile => System.IO.Path.Combine(Path, "initial-admin-password");

    public static DataFolder Resolve(string? fromArguments)
    {
        var path = System.IO.Path.GetFullPath(
            !string.IsNullOrWhiteSpace(fromArguments) ? fromArguments
            : Environment.GetEnvironmentVariable("CREDO_DATA") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : "data");
        var folder = new DataFolder(path);
        Directory.CreateDirectory(path);
        if (!Directory.Exists(folder.KeysFolder))
        {
            Directory.CreateDirectory(folder.KeysFolder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder.KeysFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        return folder;
    }
}
