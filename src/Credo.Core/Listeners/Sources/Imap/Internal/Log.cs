using Microsoft.Extensions.Logging;

namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>Log lines of the IMAP source: hosts, users, folders and readable errors; never a token or mail content.</summary>
internal static partial class Log
{
    [LoggerMessage(2600, LogLevel.Debug, "IMAP {Host}:{Port}: logged in as {User} with {Mechanism}")]
    public static partial void LoggedIn(ILogger logger, string host, int port, string user, string mechanism);

    [LoggerMessage(2601, LogLevel.Information, "IMAP {Host}: the server refused the token for {User}; renewing the token and trying once more")]
    public static partial void TokenRefused(ILogger logger, string host, string user);

    [LoggerMessage(2602, LogLevel.Debug, "IMAP {Host}: closed a connection ({Reason})")]
    public static partial void Closed(ILogger logger, string host, string reason);

    [LoggerMessage(2603, LogLevel.Debug, "IMAP listener {Listener}: new mail announced while idling; polling now")]
    public static partial void IdleNewMail(ILogger logger, string listener);

    [LoggerMessage(2604, LogLevel.Debug, "IMAP listener {Listener}: stopped idling ({Reason})")]
    public static partial void IdleStopped(ILogger logger, string listener, string reason);

    [LoggerMessage(2605, LogLevel.Information, "IMAP listener {Listener}: idling failed, the poll interval stays in force: {Error}")]
    public static partial void IdleFailed(ILogger logger, string listener, string error);
}
