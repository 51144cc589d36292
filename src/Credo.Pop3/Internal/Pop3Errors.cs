using System.Net.Sockets;
using Credo.Net.Outbound;
using Credo.Net.Text;
using MailKit;
using MailKit.Net.Pop3;

namespace Credo.Pop3.Internal;

/// <summary>The wording of POP3 failures, and what MailKit throws turned into a <see cref="Pop3Error"/>; server texts are cleaned and capped.</summary>
internal static class Pop3Errors
{
    /// <summary>
    /// Response codes that ask the client to come back later (RFC 2449, RFC 3206): <c>[IN-USE]</c>, another session holds
    /// the mailbox; <c>[SYS/TEMP]</c>, a passing fault of the server; <c>[LOGIN-DELAY]</c>, signed in too soon again.
    /// </summary>
    public static bool IsThrottling(string? text) =>
        text is not null && (text.Contains("[IN-USE]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[SYS/TEMP]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[LOGIN-DELAY]", StringComparison.OrdinalIgnoreCase));

    /// <summary>The error for a <c>-ERR</c> answer to <paramref name="command"/>.</summary>
    public static Pop3Error Refused(Pop3Endpoint endpoint, string command, string? text, TimeSpan? retryAfter = null) =>
        IsThrottling(text)
            ? new(Pop3ErrorKind.Throttled, $"{endpoint} asks {endpoint.User} to wait ({command}): {Clean(text)}",
                "The server is busy, or another POP3 session holds the mailbox (POP3 allows one at a time): wait and try again; if it lasts, check that no other client reads this mailbox over POP3.",
                retryAfter)
            : new(Pop3ErrorKind.Permanent, $"{endpoint} refused {command} for {endpoint.User}: {Clean(text)}",
                "Check the server's logs for this mailbox.");

    /// <summary>The error for a failed connection.</summary>
    public static Pop3Error Connection(ConnectionFailure failure, string? hint = null) =>
        new(failure.IsPassing ? Pop3ErrorKind.Connection : Pop3ErrorKind.Permanent, failure.Message, hint ?? failure.Hint);

    /// <summary>The error for <paramref name="exception"/> thrown by <paramref name="command"/>, or null when it is not one a session expects (a bug).</summary>
    public static Pop3Error? Map(Exception exception, Pop3Endpoint endpoint, string command) => exception switch
    {
        Pop3CommandException e => Refused(endpoint, command, e.StatusText),
        NotSupportedException when command == "UIDL" => new(Pop3ErrorKind.Permanent,
            $"{endpoint} does not support UIDL, so a message cannot be told apart from one read before.",
            "Use a POP3 server that supports UIDL (RFC 1939; Exchange Online and Dovecot do), or read the mailbox over IMAP."),
        IOException or SocketException when ConnectionFailure.Of(exception, endpoint.Host, endpoint.Port) is { } failure => Connection(failure),
        ServiceNotConnectedException => new(Pop3ErrorKind.Connection, $"The connection to {endpoint} is closed: an earlier failure ended it.", "Open a new session."),
        Pop3ProtocolException e => new(Pop3ErrorKind.Connection, $"{endpoint} answered {command} with something that is not POP3: {Clean(e.Message)}",
            "Check that the host and port belong to a POP3 server (995 for Tls, 110 for StartTls and None)."),
        TimeoutException or OperationCanceledException => new(Pop3ErrorKind.Connection, $"{endpoint} did not answer {command} in time.",
            "Check that the host and port belong to a POP3 server that answers (995 for Tls, 110 for StartTls and None)."),
        _ => null,
    };

    /// <summary>A server text made safe to show (<see cref="DisplayText.Clean"/>), at most 300 characters.</summary>
    public static string Clean(string? text)
    {
        var clean = DisplayText.Clean(text).Trim();
        return clean.Length == 0 ? "(no text)" : clean.Length <= 300 ? clean : clean[..300];
    }
}
