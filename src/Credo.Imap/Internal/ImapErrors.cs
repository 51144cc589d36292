using System.Net.Sockets;
using Credo.Net.Outbound;
using Credo.Net.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Credo.Imap.Internal;

/// <summary>What MailKit throws turned into an <see cref="ImapError"/> with a readable reason; server texts are cleaned and capped.</summary>
internal static class ImapErrors
{
    /// <summary>Response codes that ask the client to come back later (RFC 5530): <c>[LIMIT]</c>, <c>[UNAVAILABLE]</c>, <c>[INUSE]</c>.</summary>
    public static bool IsThrottling(string? text) =>
        text is not null && (text.Contains("[LIMIT]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[UNAVAILABLE]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[INUSE]", StringComparison.OrdinalIgnoreCase));

    /// <summary>The error for <paramref name="exception"/>, or null when it is not one a session expects (a bug).</summary>
    public static ImapError? Map(Exception exception, ImapEndpoint endpoint) => exception switch
    {
        ImapFailure failure => failure.Error,
        ImapCommandException e when IsThrottling(e.ResponseText) =>
            new ImapError(ImapErrorKind.Throttled, $"{endpoint} asks to slow down: {Clean(e.ResponseText)}"),
        ImapCommandException e =>
            new ImapError(ImapErrorKind.Permanent, $"{endpoint} refused a command: {e.Response} {Clean(e.ResponseText)}", "Check the folder and the mailbox permissions of the app."),
        FolderNotFoundException e =>
            new ImapError(ImapErrorKind.Permanent, $"The folder {e.FolderName} does not exist on {endpoint}.", "Check the folder's name."),
        IOException or SocketException when ConnectionFailure.Of(exception, endpoint.Host, endpoint.Port) is { } failure =>
            new ImapError(failure.IsPassing ? ImapErrorKind.Connection : ImapErrorKind.Permanent, failure.Message, failure.Hint),
        ServiceNotConnectedException or ServiceNotAuthenticatedException or ImapProtocolException or IOException or SocketException =>
            new ImapError(ImapErrorKind.Connection, $"The connection to {endpoint} failed: {Clean(exception.Message)}", "Credo reconnects and tries again; if it keeps happening, check the server's logs."),
        TimeoutException or OperationCanceledException =>
            new ImapError(ImapErrorKind.Connection, $"{endpoint} did not answer in time.", "Check that the host and port belong to an IMAP server that answers."),
        AuthenticationException e =>
            new ImapError(ImapErrorKind.Permanent, $"AUTHENTICATE failed on {endpoint}: {Clean(e.Message)}"),
        _ => null,
    };

    /// <summary>A server text made safe to show (<see cref="DisplayText.Clean"/>), at most 300 characters.</summary>
    public static string Clean(string? text)
    {
        var clean = DisplayText.Clean(text).Trim();
        return clean.Length == 0 ? "(no text)" : clean.Length <= 300 ? clean : clean[..300];
    }
}
