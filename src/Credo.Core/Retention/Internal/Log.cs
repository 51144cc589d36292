using Microsoft.Extensions.Logging;

namespace Credo.Core.Retention.Internal;

internal static partial class Log
{
    [LoggerMessage(2800, LogLevel.Information, "Retention: dropped the content of {Mime} mail(s), removed {Records} record(s) and {Deliveries} finished webhook deliveries; gave {Pages} database page(s) back")]
    public static partial void Purged(ILogger logger, int mime, int records, int deliveries, long pages);

    [LoggerMessage(2801, LogLevel.Debug, "Retention: another node is purging; this one waits for its next pass")]
    public static partial void OtherNodePurging(ILogger logger);

    [LoggerMessage(2802, LogLevel.Warning, "Retention purge failed; it runs again at the next interval")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2803, LogLevel.Warning, "Reading the database size failed")]
    public static partial void SizeFailed(ILogger logger, Exception exception);
}
