using Microsoft.Extensions.Logging;

namespace Credo.Sandbox.Internal;

/// <summary>
/// Log lines of the sandbox (event ids 4000–4099): where it sends Graph notifications and what came of it, and the
/// vault requests it refuses; never a clientState, a token or a secret.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Debug, "Graph notification: {Count} notification(s) of subscription {SubscriptionId} to {Url} failed ({Failure}); trying again in {Delay}")]
    public static partial void NotificationRetried(ILogger logger, int count, string subscriptionId, Uri url, string failure, TimeSpan delay);

    [LoggerMessage(4001, LogLevel.Warning, "Graph notification: gave up {Count} notification(s) of subscription {SubscriptionId} to {Url} after {Attempts} attempts; the last failed with {Failure}")]
    public static partial void NotificationGivenUp(ILogger logger, int count, string subscriptionId, Uri url, int attempts, string failure);

    [LoggerMessage(4002, LogLevel.Error, "Graph notification: sending failed unexpectedly; the sender goes on with the next ones")]
    public static partial void NotificationBatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(4003, LogLevel.Debug, "Vault: {Method} {Path} answered {Status}")]
    public static partial void VaultRequestRefused(ILogger logger, string method, string path, int status);

    [LoggerMessage(4004, LogLevel.Debug, "Key Vault: {Method} {Path} answered {Status} ({Reason})")]
    public static partial void KeyVaultRequestRefused(ILogger logger, string method, string path, int status, string reason);
}
