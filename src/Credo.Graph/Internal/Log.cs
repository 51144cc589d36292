using Microsoft.Extensions.Logging;

namespace Credo.Graph.Internal;

/// <summary>Log lines of Credo.Graph: operations, mailboxes, codes; never tokens or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Debug, "Graph {Operation} for {Mailbox} took {ElapsedMilliseconds} ms")]
    public static partial void Call(ILogger logger, string operation, string mailbox, long elapsedMilliseconds);

    [LoggerMessage(1301, LogLevel.Warning, "Graph {Operation} for {Mailbox} failed: {Kind} {Code}: {Message} (request-id {RequestId})")]
    public static partial void Failed(ILogger logger, string operation, string mailbox, GraphErrorKind kind, string? code, string message, string? requestId);
}
