namespace Credo.Server.Hosting;

/// <summary>Log lines of the server host.</summary>
internal static partial class Log
{
    [LoggerMessage(3100, LogLevel.Information, "Credo data folder: {DataFolder}")]
    public static partial void DataFolder(ILogger logger, string dataFolder);

    [LoggerMessage(3101, LogLevel.Information, "Credo data folder: {DataFolder}, its owner's only (0700); the Data Protection keys that encrypt the stored secrets are in {KeysFolder}, protected by that folder's permissions rather than encrypted again")]
    public static partial void DataFolderWithKeys(ILogger logger, string dataFolder, string keysFolder);

    [LoggerMessage(3102, LogLevel.Warning, "The demo's listeners are held by another running Credo server ({Node}) on this database: this server's demo leaves them, and their credentials, as they are")]
    public static partial void DemoHeldElsewhere(ILogger logger, string node);
}
