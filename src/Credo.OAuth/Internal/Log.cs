using Microsoft.Extensions.Logging;

namespace Credo.OAuth.Internal;

/// <summary>
/// Every log line of Credo.OAuth. None takes a secret, a token or a header value: endpoints, client
/// identifiers, stages and safe messages only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1101, LogLevel.Debug, "Requesting a token from {TokenEndpoint} for client {ClientId} ({AuthenticationMethod})")]
    public static partial void TokenRequesting(ILogger logger, string tokenEndpoint, string clientId, ClientAuthenticationMethod authenticationMethod);

    [LoggerMessage(1102, LogLevel.Information, "Token obtained from {TokenEndpoint} for client {ClientId}, valid for {Lifetime} (from {LifetimeSource}), granted scope {GrantedScope}")]
    public static partial void TokenObtained(ILogger logger, string tokenEndpoint, string clientId, TimeSpan lifetime, LifetimeSource lifetimeSource, string? grantedScope);

    [LoggerMessage(1103, LogLevel.Warning, "Token request to {TokenEndpoint} for client {ClientId} failed at stage {FailureKind}: {FailureMessage}")]
    public static partial void TokenRequestFailed(ILogger logger, string tokenEndpoint, string clientId, TokenFailureKind failureKind, string failureMessage);

    [LoggerMessage(1105, LogLevel.Information, "Cached token of credential {CredentialId} (version {Version}) was rejected by a resource server; it will be renewed")]
    public static partial void TokenRejected(ILogger logger, string credentialId, long version);

    [LoggerMessage(1106, LogLevel.Warning, "Token renewal for credential {CredentialId} (version {Version}) failed; next attempt in {RetryIn}")]
    public static partial void TokenRenewalFailed(ILogger logger, string credentialId, long version, TimeSpan retryIn);

    [LoggerMessage(1107, LogLevel.Information, "Resource server rejected the token for {RequestUri} with 401; renewing the token and retrying once")]
    public static partial void RetryingAfterUnauthorized(ILogger logger, string requestUri);
}
