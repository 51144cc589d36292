using Microsoft.Extensions.Logging;

namespace Credo.Pop3.Internal;

/// <summary>Log lines of Credo.Pop3 (event ids 1500–1599): servers, users, counts and readable errors; never a token or mail content.</summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Debug, "POP3 {Server}: signed in as {User} with {Mechanism}; {Count} message(s) in the mailbox")]
    public static partial void SignedIn(ILogger logger, string server, string user, string mechanism, int count);

    [LoggerMessage(1501, LogLevel.Information, "POP3 {Server}: the server refused the token for {User}; renewing the token and trying once more on a new connection")]
    public static partial void TokenRefused(ILogger logger, string server, string user);

    [LoggerMessage(1502, LogLevel.Debug, "POP3 {Server}: {Command} for {User} failed ({Kind}): {Error}")]
    public static partial void Failed(ILogger logger, string server, string command, string user, Pop3ErrorKind kind, string error);

    [LoggerMessage(1503, LogLevel.Debug, "POP3 {Server}: QUIT for {User}; {Deleted} message(s) deleted")]
    public static partial void Quit(ILogger logger, string server, string user, int deleted);

    [LoggerMessage(1504, LogLevel.Debug, "POP3 {Server}: closed without QUIT for {User}; {Marked} message(s) marked for deletion stay in the mailbox")]
    public static partial void ClosedWithoutQuit(ILogger logger, string server, string user, int marked);
}
