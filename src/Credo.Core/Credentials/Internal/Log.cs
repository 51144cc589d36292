using Microsoft.Extensions.Logging;

namespace Credo.Core.Credentials.Internal;

internal static partial class Log
{
    [LoggerMessage(2900, LogLevel.Warning, "Credential \"{CredentialName}\" ({CredentialId}): its {What} {Expiry}; renew it in the app registration and update the credential before listeners using it stop")]
    public static partial void ExpiresSoon(this ILogger logger, string credentialName, Guid credentialId, string what, string expiry);

    [LoggerMessage(2901, LogLevel.Warning, "Could not read the credentials' expiry dates; trying again shortly")]
    public static partial void ExpiryCheckFailed(this ILogger logger, Exception exception);
}
