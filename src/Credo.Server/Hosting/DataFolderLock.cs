using System.Globalization;

namespace Credo.Server.Hosting;

/// <summary>
/// The exclusive lock that one <c>credo serve</c> holds on <c>DATA/credo.lock</c> while it runs, with its process id in
/// the file: a second server on the same folder would poll the same listeners and rewrite the demo's objects, so it
/// stops before it changes anything. Commands of the CLI do not take it and may run beside a server. The lock is the
/// operating system's (a POSIX record lock on Unix), so it ends with the process, however that ends.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    public const string FileName = "credo.lock";

    private readonly FileStream _file;

    private DataFolderLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of <paramref name="folder"/>; null, with the line to print, when another server holds it.</summary>
    public static DataFolderLock? TryAcquire(DataFolder folder, out string? inUse)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder.Path, FileName);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            if (!OperatingSystem.IsMacOS())
            {
                file.Lock(0, 0);
            }
        }
        catch (IOException)
        {
            file.Dispose();
            inUse = $"The data folder {folder.Path} is in use by another Credo server (pid {Holder(path)}). Stop it first, or choose another folder with --data.";
            return null;
        }

        file.SetLength(0);
        file.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        file.Flush();
        inUse = null;
        return new DataFolderLock(file);
    }

    public void Dispose() => _file.Dispose();

    // The holder wrote its process id when it took the lock; reading does not need the lock.
    private static string Holder(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } pid ? pid : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
