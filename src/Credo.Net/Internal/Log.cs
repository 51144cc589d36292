using Microsoft.Extensions.Logging;

namespace Credo.Net.Internal;

/// <summary>Every log line of Credo.Net (event ids 1000–1099).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Warning, "Outbound connection to {Host} refused: {Reason}")]
    public static partial void OutboundBlocked(ILogger logger, string host, string reason);
}
