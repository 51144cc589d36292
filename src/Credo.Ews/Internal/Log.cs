using Microsoft.Extensions.Logging;

namespace Credo.Ews.Internal;

/// <summary>Log lines of Credo.Ews: operations, mailboxes, codes; never tokens or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(1200, LogLevel.Debug, "EWS {Operation} for {Mailbox} took {ElapsedMilliseconds} ms")]
    public static partial void Call(ILogger logger, string operation, string mailbox, long elapsedMilliseconds);

    [LoggerMessage(1201, LogLevel.Warning, "EWS {Operation} for {Mailbox} failed: {Kind} {ResponseCode}: {Message}")]
    public static partial void Failed(ILogger logger, string operation, string mailbox, EwsErrorKind kind, string? responseCode, string message);
}
