using Microsoft.Extensions.Logging;

namespace Credo.Imap.Internal;

/// <summary>Log lines of the IMAP client (event ids 1400–1499): hosts, users, folders and readable errors; never a token or mail content.</summary>
internal static partial class Log
{
    [LoggerMessage(1400, LogLevel.Debug, "IMAP {Host}:{Port}: logged in as {User} with {Mechanism}")]
    public static partial void LoggedIn(ILogger logger, string host, int port, string user, string mechanism);

    [LoggerMessage(1401, LogLevel.Information, "IMAP {Host}: the server refused the token for {User}; renewing the token and trying once more")]
    public static partial void TokenRefused(ILogger logger, string host, string user);

    [LoggerMessage(1402, LogLevel.Debug, "IMAP {Host}: closed a connection ({Reason})")]
    public static partial void Closed(ILogger logger, string host, string reason);

    [LoggerMessage(1403, LogLevel.Debug, "IMAP listener {Listener}: new mail announced while idling; polling now")]
    public static partial void IdleNewMail(ILogger logger, string listener);

    [LoggerMessage(1404, LogLevel.Debug, "IMAP listener {Listener}: stopped idling ({Reason})")]
    public static partial void IdleStopped(ILogger logger, string listener, string reason);

    [LoggerMessage(1405, LogLevel.Information, "IMAP listener {Listener}: the connection broke while idling; reopening it in {Wait} (the poll interval stays in force): {Error}")]
    public static partial void IdleFailed(ILogger logger, string listener, string error, TimeSpan wait);

    [LoggerMessage(1406, LogLevel.Warning, "IMAP: {Max} connections idle on this node, as many as Credo:Imap:MaxIdleConnections allows; listener {Listener} and further IMAP listeners poll at their interval instead of idling (gauge credo.imap.idle.over_cap counts them)")]
    public static partial void IdleCapReached(ILogger logger, int max, string listener);

    [LoggerMessage(1407, LogLevel.Debug, "IMAP listener {Listener}: no IDLE place free (Credo:Imap:MaxIdleConnections); polling at its interval")]
    public static partial void IdleOverCap(ILogger logger, string listener);

    [LoggerMessage(1408, LogLevel.Debug, "IMAP listener {Listener}: reopening the idle connection: {Reason}")]
    public static partial void IdleReopening(ILogger logger, string listener, string reason);

    [LoggerMessage(1409, LogLevel.Error, "IMAP listener {Listener}: idling failed unexpectedly; the poll interval stays in force")]
    public static partial void IdleBroken(ILogger logger, string listener, Exception exception);
}
