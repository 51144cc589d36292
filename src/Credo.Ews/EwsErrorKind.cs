namespace Credo.Ews;

/// <summary>What kind of failure an EWS call met, so that a caller can act on it.</summary>
public enum EwsErrorKind
{
    /// <summary><c>ErrorServerBusy</c>: wait <see cref="EwsError.BackOff"/> (or back off) and try again.</summary>
    ServerBusy,

    /// <summary><c>ErrorExceededConnectionCount</c>: too many concurrent requests; back off.</summary>
    ConnectionCountExceeded,

    /// <summary>HTTP 503: the service is unavailable for now.</summary>
    ServiceUnavailable,

    /// <summary>HTTP 401: the token was refused (after one renewal and retry).</summary>
    Unauthorized,

    /// <summary>No token could be obtained from the credential.</summary>
    TokenUnavailable,

    /// <summary><c>ErrorNonExistentMailbox</c>: no mailbox has that SMTP address.</summary>
    MailboxNotFound,

    /// <summary><c>ErrorImpersonateUserDenied</c>: the application may not act as this mailbox.</summary>
    ImpersonationDenied,

    /// <summary><c>ErrorInvalidExchangeImpersonationHeaderData</c> and kin: the impersonation header was missing or wrong.</summary>
    ImpersonationHeaderInvalid,

    /// <summary><c>ErrorAccessDenied</c>.</summary>
    AccessDenied,

    /// <summary><c>ErrorInvalidSyncStateData</c>: start the synchronisation again without a sync state.</summary>
    InvalidSyncState,

    /// <summary><c>ErrorItemNotFound</c>: the item is gone (deleted or moved).</summary>
    ItemNotFound,

    /// <summary><c>ErrorFolderNotFound</c>, <c>ErrorToFolderNotFound</c> (a move's target is gone), or a folder path that does not resolve.</summary>
    FolderNotFound,

    /// <summary>No complete answer within the timeout.</summary>
    Timeout,

    /// <summary>The EWS URL's host name does not resolve: a setting to fix, not worth retrying.</summary>
    HostNotFound,

    /// <summary>Connection or TLS failure, a resolver that failed for now, or a destination the outbound policy refuses.</summary>
    Transport,

    /// <summary>An answer that is not a usable EWS response (not XML, truncated, too large, a DTD, wrong namespaces, an unexpected status).</summary>
    InvalidResponse,

    /// <summary>Any other EWS error code; see <see cref="EwsError.ResponseCode"/>.</summary>
    OperationFailed,
}
