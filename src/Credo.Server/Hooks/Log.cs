namespace Credo.Server.Hooks;

/// <summary>Log lines of the push hooks; never a client state.</summary>
internal static partial class Log
{
    [LoggerMessage(3800, LogLevel.Error, "Acting on a Graph notification for subscription {SubscriptionId} failed")]
    public static partial void NotificationFailed(ILogger logger, string subscriptionId, Exception exception);

    [LoggerMessage(3801, LogLevel.Warning, "A post to {Path} was refused: {Reason}")]
    public static partial void PostRefused(ILogger logger, string path, string reason);
}
