using Credo.Net.Outbound;
using Credo.OAuth;

namespace Credo.Graph;

/// <summary>A Microsoft Graph failure, safe to show and log: it never carries a token or a message body.</summary>
public sealed class GraphError
{
    /// <summary>Creates an error.</summary>
    public GraphError(GraphErrorKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    /// <summary>What kind of failure.</summary>
    public GraphErrorKind Kind { get; }

    /// <summary>A sentence that says what happened.</summary>
    public string Message { get; }

    /// <summary>Graph's <c>error.code</c> (<c>ErrorAccessDenied</c>, ...), when Graph sent one.</summary>
    public string? Code { get; init; }

    /// <summary>The HTTP status, when it tells something.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>How long Graph asked to wait (<c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Graph's <c>request-id</c>, which Microsoft support asks for.</summary>
    public string? RequestId { get; init; }

    /// <summary>The token failure, for <see cref="GraphErrorKind.TokenUnavailable"/>.</summary>
    public TokenFailure? TokenFailure { get; init; }

    /// <summary>The failed connection, for <see cref="GraphErrorKind.Transport"/> and <see cref="GraphErrorKind.HostNotFound"/>.</summary>
    public ConnectionFailure? Connection { get; init; }

    /// <summary>What to do about it, where Credo can tell.</summary>
    public string? Hint => Kind switch
    {
        GraphErrorKind.AccessDenied =>
            "Grant the application the Mail.ReadWrite application permission (Microsoft Graph) with admin consent, or scope it to this mailbox with RBAC for Applications in Exchange Online (New-ManagementRoleAssignment -App … -Role \"Application Mail.ReadWrite\").",
        GraphErrorKind.MailboxNotEnabled =>
            "Graph reads only mailboxes in Exchange Online that are licensed and active; for Exchange Server on premises use the protocol EWS.",
        GraphErrorKind.MailboxNotFound => "Check the mailbox: Microsoft Graph knows no user by that address or user principal name.",
        GraphErrorKind.FolderNotFound => "Check the folder: a well-known name such as Inbox, or a path such as Inbox/Invoices.",
        GraphErrorKind.HostNotFound => "Check the Graph URL: its host name does not resolve (Microsoft Graph is https://graph.microsoft.com/v1.0).",
        GraphErrorKind.Unauthorized =>
            "Check the credential's scope: for Microsoft Graph it must be https://graph.microsoft.com/.default, so that the token's audience is Graph.",
        GraphErrorKind.TokenUnavailable => TokenFailure?.Hint,
        GraphErrorKind.Throttled or GraphErrorKind.ServiceUnavailable => "Microsoft Graph is throttling; Credo waits as long as it asks and tries again.",
        GraphErrorKind.Transport => Connection?.Hint,
        GraphErrorKind.Timeout => "Check that the Graph URL points at a server that answers; Credo tries again at the next poll.",
        _ => null,
    };

    /// <summary>Whether trying again later may succeed (throttling, outages, timeouts).</summary>
    public bool IsTransient => Kind is GraphErrorKind.Throttled or GraphErrorKind.ServiceUnavailable or GraphErrorKind.ServerError
        or GraphErrorKind.Timeout || (Kind is GraphErrorKind.Transport && Connection?.IsPassing != false);

    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => Code is null ? Message : $"{Code}: {Message}";
}
