namespace Credo.Server.Hosting;

/// <summary>Log lines of the server host.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Credo data folder: {DataFolder}")]
    public static partial void DataFolder(ILogger logger, string dataFolder);
}
