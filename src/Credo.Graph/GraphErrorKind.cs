namespace Credo.Graph;

/// <summary>What kind of failure a Graph call met, so that a caller can act on it.</summary>
public enum GraphErrorKind
{
    /// <summary>HTTP 429: wait <see cref="GraphError.RetryAfter"/> and try again.</summary>
    Throttled,

    /// <summary>HTTP 503 or 504: the service is busy or unavailable for now; wait <see cref="GraphError.RetryAfter"/>.</summary>
    ServiceUnavailable,

    /// <summary>HTTP 500 or 502: a server fault that trying again may clear.</summary>
    ServerError,

    /// <summary>HTTP 401: the token was refused (after one renewal and retry).</summary>
    Unauthorized,

    /// <summary>No token could be obtained from the credential.</summary>
    TokenUnavailable,

    /// <summary><c>ErrorAccessDenied</c> (HTTP 403): the application lacks the permission, or is not allowed this mailbox.</summary>
    AccessDenied,

    /// <summary><c>MailboxNotEnabledForRESTAPI</c>: the mailbox is not in Exchange Online, inactive or unlicensed.</summary>
    MailboxNotEnabled,

    /// <summary><c>ErrorInvalidUser</c>, or <c>ResourceNotFound</c> for the user: no mailbox by that name.</summary>
    MailboxNotFound,

    /// <summary>A folder id or path that does not resolve.</summary>
    FolderNotFound,

    /// <summary><c>ErrorItemNotFound</c>: the message is gone (deleted or moved).</summary>
    ItemNotFound,

    /// <summary>HTTP 410, <c>syncStateNotFound</c>, <c>syncStateInvalid</c>: start the delta again without a link.</summary>
    InvalidSyncState,

    /// <summary>No complete answer within the timeout.</summary>
    Timeout,

    /// <summary>The Graph URL's host name does not resolve: a setting to fix, not worth retrying.</summary>
    HostNotFound,

    /// <summary>Connection or TLS failure, or a destination the outbound policy refuses.</summary>
    Transport,

    /// <summary>An answer that is not a usable Graph response (not JSON, too large, a link to another host, an unexpected status).</summary>
    InvalidResponse,

    /// <summary>Any other Graph error; see <see cref="GraphError.Code"/>.</summary>
    RequestFailed,
}
