using Credo.Net.Outbound;
using Credo.OAuth;

namespace Credo.Ews;

/// <summary>An EWS failure, safe to show and log: it never carries a token or a message body.</summary>
public sealed class EwsError
{
    /// <summary>Creates an error.</summary>
    public EwsError(EwsErrorKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    /// <summary>What kind of failure.</summary>
    public EwsErrorKind Kind { get; }

    /// <summary>A sentence that says what happened.</summary>
    public string Message { get; }

    /// <summary>The EWS response code (<c>ErrorServerBusy</c>, ...), when EWS sent one.</summary>
    public string? ResponseCode { get; init; }

    /// <summary>The HTTP status, when it tells something.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>How long to wait before trying again: <c>BackOffMilliseconds</c> or <c>Retry-After</c>.</summary>
    public TimeSpan? BackOff { get; init; }

    /// <summary>The <c>error</c> of a <c>WWW-Authenticate: Bearer</c> challenge, such as <c>invalid_token</c>.</summary>
    public string? AuthenticateError { get; init; }

    /// <summary>The <c>x-ms-diagnostics</c> header of a 401, which says why the token was refused.</summary>
    public string? Diagnostics { get; init; }

    /// <summary>The token failure, for <see cref="EwsErrorKind.TokenUnavailable"/>.</summary>
    public TokenFailure? TokenFailure { get; init; }

    /// <summary>The failed connection, for <see cref="EwsErrorKind.Transport"/> and <see cref="EwsErrorKind.HostNotFound"/>.</summary>
    public ConnectionFailure? Connection { get; init; }

    /// <summary>What to do about it, where Credo can tell.</summary>
    public string? Hint => Kind switch
    {
        EwsErrorKind.ImpersonationDenied or EwsErrorKind.AccessDenied =>
            "Grant the application the full_access_as_app permission (Office 365 Exchange Online, application permission) with admin consent, and allow it this mailbox if an application access policy scopes it.",
        EwsErrorKind.MailboxNotFound => "Check the mailbox's SMTP address: Exchange knows no mailbox by that address.",
        EwsErrorKind.HostNotFound => "Check the EWS URL: its host name does not resolve (Exchange Online is https://outlook.office365.com/EWS/Exchange.asmx).",
        EwsErrorKind.Unauthorized => "Check that the credential's scope is https://outlook.office365.com/.default and that the token's audience matches the EWS host.",
        EwsErrorKind.TokenUnavailable => TokenFailure?.Hint,
        EwsErrorKind.ServerBusy or EwsErrorKind.ConnectionCountExceeded or EwsErrorKind.ServiceUnavailable => "Exchange is throttling; Credo backs off and tries again.",
        EwsErrorKind.Transport => Connection?.Hint,
        EwsErrorKind.Timeout => "Check that the EWS URL points at a server that answers; Credo tries again at the next poll.",
        _ => null,
    };

    /// <summary>Whether trying again later may succeed (throttling, outages, timeouts).</summary>
    public bool IsTransient => Kind is EwsErrorKind.ServerBusy or EwsErrorKind.ConnectionCountExceeded or EwsErrorKind.ServiceUnavailable
        or EwsErrorKind.Timeout || (Kind is EwsErrorKind.Transport && Connection?.IsPassing != false);

    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => ResponseCode is null ? Message : $"{ResponseCode}: {Message}";
}
