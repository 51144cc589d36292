namespace Credo.Server.Security;

/// <summary>Log lines of console sign-in.</summary>
internal static partial class Log
{
    [LoggerMessage(3700, LogLevel.Warning, "Sign-in from {Address} is refused for {Duration} after repeated failed sign-ins")]
    public static partial void AddressBlocked(ILogger logger, string address, TimeSpan duration);
}
