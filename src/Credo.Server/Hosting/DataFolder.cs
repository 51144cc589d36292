using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Credo.Server.Hosting;

/// <summary>
/// The data folder: <c>--data</c>, else <c>CREDO_DATA</c>, else <c>./data</c>, as a full path that exists. It holds
/// <c>credo.db</c> (with its <c>-wal</c> and <c>-shm</c> files) and the Data Protection key ring in <c>keys/</c>, and
/// on Unix it is for its owner only: folders 0700, files 0600.
/// </summary>
internal sealed record DataFolder(string Path)
{
    // umask 077: group and others get no permission on anything this process creates.
    private const uint OwnerOnlyUmask = 0b_000_111_111;

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode BeyondOwner =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute |
        UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit;

    public string DatabaseFile => System.IO.Path.Combine(Path, "credo.db");

    public string KeysFolder => System.IO.Path.Combine(Path, "keys");

    public string InitialAdminPasswordFile => System.IO.Path.Combine(Path, "initial-admin-password");

    /// <summary>Where <see cref="NodeName"/> keeps the server's identity.</summary>
    public string NodeIdFile => System.IO.Path.Combine(Path, "node-id");

    /// <summary>
    /// The name of the server that holds this folder's lock in listener leases: the machine's name and an id made once
    /// for the folder, so that a restarted server (after a crash or <c>kill -9</c>) is the same node and takes back its
    /// own leases at once instead of waiting for them to expire. The lock proves no other server runs on the folder.
    /// </summary>
    public string NodeName()
    {
        if (!File.Exists(NodeIdFile) || File.ReadAllText(NodeIdFile).Trim() is not { Length: > 0 } id)
        {
            id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            File.WriteAllText(NodeIdFile, id + "\n");
        }

        return $"{Environment.MachineName}:{id}";
    }

    /// <summary>Entries that others could read or write when this process started and that are now for the owner only.</summary>
    public IReadOnlyList<(string Path, UnixFileMode From, UnixFileMode To)> Narrowed { get; private init; } = [];

    /// <summary>Entries whose permissions are wider than the owner's but could not be narrowed (another user owns them).</summary>
    public IReadOnlyList<(string Path, UnixFileMode Mode, string Reason)> NotNarrowed { get; private init; } = [];

    /// <summary>
    /// Resolves the folder and, on Unix, makes it its owner's only: every file this process creates from now on is
    /// 0600 and every folder 0700 (umask 077), the folder and <c>keys/</c> are created 0700, and whatever is already
    /// in the folder loses the permissions of group and others (see <see cref="Narrowed"/>).
    /// </summary>
    public static DataFolder Resolve(string? fromArguments)
    {
        var path = System.IO.Path.GetFullPath(
            !string.IsNullOrWhiteSpace(fromArguments) ? fromArguments
            : Environment.GetEnvironmentVariable("CREDO_DATA") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : "data");
        var folder = new DataFolder(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            Directory.CreateDirectory(folder.KeysFolder);
            return folder;
        }

        RestrictNewFilesToOwner();
        if (System.IO.Path.GetDirectoryName(path) is { } parent)
        {
            Directory.CreateDirectory(parent);
        }

        Directory.CreateDirectory(path, OwnerOnlyFolder);
        Directory.CreateDirectory(folder.KeysFolder, OwnerOnlyFolder);
        var narrowed = new List<(string, UnixFileMode, UnixFileMode)>();
        var notNarrowed = new List<(string, UnixFileMode, string)>();
        Narrow(path, narrowed, notNarrowed);

        // Links are the operator's own arrangement and may point outside the folder: they are neither followed nor changed.
        var everything = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", everything))
        {
            Narrow(entry, narrowed, notNarrowed);
        }

        return folder with { Narrowed = narrowed, NotNarrowed = notNarrowed };
    }

    [UnsupportedOSPlatform("windows")]
    private static void Narrow(string entry, List<(string, UnixFileMode, UnixFileMode)> narrowed, List<(string, UnixFileMode, string)> notNarrowed)
    {
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(entry);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // SQLite removes its -wal and -shm files when another process on this folder closes the database.
            return;
        }

        if ((mode & BeyondOwner) == 0)
        {
            return;
        }

        var narrower = mode & ~BeyondOwner;
        try
        {
            File.SetUnixFileMode(entry, narrower);
            narrowed.Add((entry, mode, narrower));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            notNarrowed.Add((entry, mode, e.Message));
        }
    }

    // SQLite creates credo.db with 0666 less the umask and gives its -wal, -shm and -journal files the mode of
    // credo.db; Data Protection and the first-admin password file set 0600 themselves. An owner-only umask makes
    // every one of them 0600 from its creation on, for the server and for each CLI command, whichever runs first.
    [UnsupportedOSPlatform("windows")]
    private static void RestrictNewFilesToOwner()
    {
        try
        {
            _ = SetUmask(OwnerOnlyUmask);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without libc's umask the 0700 folder still keeps others out, and the next start narrows the files.
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint SetUmask(uint mask);
}
