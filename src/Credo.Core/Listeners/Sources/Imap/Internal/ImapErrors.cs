using System.Net.Sockets;
using Credo.Net.Outbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>Turns what MailKit throws into a <see cref="MailError"/> with a readable reason; server texts are cleaned and capped.</summary>
internal static class ImapErrors
{
    public static bool IsThrottling(string? text) =>
        text is not null && (text.Contains("[LIMIT]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[UNAVAILABLE]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[INUSE]", StringComparison.OrdinalIgnoreCase));

    /// <summary>The error for <paramref name="exception"/>, or null when it is not one the source expects (a bug).</summary>
    public static MailError? Map(Exception exception, ImapEndpoint endpoint) => exception switch
    {
        ImapFailure failure => failure.Error,
        ImapCommandException e when IsThrottling(e.ResponseText) =>
            new MailError(MailErrorKind.Throttled, $"{endpoint} asks to slow down: {Clean(e.ResponseText)}"),
        ImapCommandException e =>
            new MailError(MailErrorKind.Permanent, $"{endpoint} refused a command: {e.Response} {Clean(e.ResponseText)}", "Check the folder and the mailbox permissions of the app."),
        FolderNotFoundException e =>
            new MailError(MailErrorKind.Permanent, $"The folder {e.FolderName} does not exist on {endpoint}.", "Check the folder's name."),
        IOException or SocketException when ConnectionFailure.Of(exception, endpoint.Host, endpoint.Port) is { } failure =>
            new MailError(failure.IsPassing ? MailErrorKind.Transient : MailErrorKind.Permanent, failure.Message, failure.Hint),
        ServiceNotConnectedException or ServiceNotAuthenticatedException or ImapProtocolException or IOException or SocketException =>
            new MailError(MailErrorKind.Transient, $"The connection to {endpoint} failed: {Clean(exception.Message)}", "Credo reconnects and tries again; if it keeps happening, check the server's logs."),
        TimeoutException or OperationCanceledException =>
            new MailError(MailErrorKind.Transient, $"{endpoint} did not answer in time.", "Check that the host and port belong to an IMAP server that answers."),
        AuthenticationException e =>
            new MailError(MailErrorKind.Permanent, $"AUTHENTICATE failed on {endpoint}: {Clean(e.Message)}"),
        _ => null,
    };

    /// <summary>A server text without control characters, at most 300 characters.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "(no text)";
        }

        var clean = new string([.. text.Where(c => !char.IsControl(c))]).Trim();
        return clean.Length <= 300 ? clean : clean[..300];
    }
}
