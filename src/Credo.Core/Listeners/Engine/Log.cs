using Microsoft.Extensions.Logging;

namespace Credo.Core.Listeners.Engine;

/// <summary>Log lines of the engine: listener names, counts and readable errors; never tokens, secrets or mail content.</summary>
internal static partial class Log
{
    [LoggerMessage(2400, LogLevel.Information, "Listener {Listener} recorded {Recorded} new mail(s) ({Skipped} filtered out, {Duplicates} already recorded)")]
    public static partial void Recorded(ILogger logger, string listener, int recorded, int skipped, int duplicates);

    [LoggerMessage(2401, LogLevel.Warning, "Listener {Listener} poll failed: {Error}; next poll in {RetryIn}")]
    public static partial void PollFailed(ILogger logger, string listener, string error, TimeSpan retryIn);

    [LoggerMessage(2402, LogLevel.Information, "Listener {Listener}: the sync state is no longer valid; synchronising the folder again from the start")]
    public static partial void Resync(ILogger logger, string listener);

    [LoggerMessage(2403, LogLevel.Error, "Listener engine tick failed")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(2406, LogLevel.Information, "Listener {Listener}: {Waits} request(s) waited {Waited} in all for throttling or faults, and were retried")]
    public static partial void Retried(ILogger logger, string listener, int waits, TimeSpan waited);

    [LoggerMessage(2407, LogLevel.Information, "Listener {Listener}: the running poll was stopped because {Reason}")]
    public static partial void PollStopped(ILogger logger, string listener, string reason);

    [LoggerMessage(2405, LogLevel.Error, "Listener {Listener} poll crashed")]
    public static partial void PollCrashed(ILogger logger, string listener, Exception exception);

    [LoggerMessage(2410, LogLevel.Information, "Listener {Listener}: push subscription {SubscriptionId} {Action}, until {ExpiresAt:u}")]
    public static partial void PushKept(ILogger logger, string listener, string subscriptionId, string action, DateTimeOffset expiresAt);

    [LoggerMessage(2411, LogLevel.Warning, "Listener {Listener}: no push subscription ({Error}); it polls meanwhile")]
    public static partial void PushFailed(ILogger logger, string listener, string error);

    [LoggerMessage(2412, LogLevel.Information, "Listener {Listener}: push subscription {SubscriptionId} ended")]
    public static partial void PushEnded(ILogger logger, string listener, string subscriptionId);

    [LoggerMessage(2413, LogLevel.Warning, "Listener {Listener}: push subscription {SubscriptionId} could not be ended ({Error}); the server ends it at its expiry, and its notifications are ignored")]
    public static partial void PushEndFailed(ILogger logger, string listener, string subscriptionId, string error);

    // Debug: anyone can post to the hooks; the rejected count is the metric credo_push_notifications_total{kind="rejected"}.
    [LoggerMessage(2414, LogLevel.Debug, "A push notification for subscription {SubscriptionId} was ignored: {Reason}")]
    public static partial void PushRejected(ILogger logger, string subscriptionId, string reason);

    [LoggerMessage(2415, LogLevel.Warning, "Listener {Listener}: push subscription {SubscriptionId} could not be ended: {Reason}; the server ends it at its expiry, and its notifications are ignored")]
    public static partial void PushNotEnded(ILogger logger, string listener, string subscriptionId, string reason);

    [LoggerMessage(2416, LogLevel.Warning, "The connection that listens for wake-ups from other nodes (PostgreSQL credo_wake) failed; opening it again in {RetryIn}. Meanwhile listeners made due elsewhere wait for the engine's tick")]
    public static partial void WakeConnectionLost(ILogger logger, TimeSpan retryIn, Exception exception);

    [LoggerMessage(2417, LogLevel.Information, "Listening for wake-ups from other nodes (PostgreSQL credo_wake) again")]
    public static partial void WakeListening(ILogger logger);

    // Debug, as 2414: anyone can post to the hooks; the count is credo_push_notifications_dropped_total.
    [LoggerMessage(2418, LogLevel.Debug, "A push notification for subscription {SubscriptionId} was dropped before it was queued: {Reason}")]
    public static partial void PushDropped(ILogger logger, string subscriptionId, string reason);

    [LoggerMessage(2419, LogLevel.Information, "Handed {Count} listeners back for the other nodes to take: this node held more than its fair share of the listeners")]
    public static partial void HandedBack(ILogger logger, int count);
}
