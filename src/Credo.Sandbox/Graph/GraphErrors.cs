using System.Globalization;

namespace Credo.Sandbox.Graph;

/// <summary>Graph's error answers, each in the JSON shape Graph uses.</summary>
internal static class GraphErrors
{
    public const string GraphClientId = "00000003-0000-0000-c000-000000000000";

    public static GraphAnswer Answer(int status, string code, string message, GraphRequest request, DateTimeOffset now) =>
        GraphAnswer.WithJson(status, GraphResponseWriter.Error(code, message, request, now));

    public static GraphAnswer Unauthorized(string message, GraphRequest request, DateTimeOffset now) =>
        Answer(401, "InvalidAuthenticationToken", message, request, now)
            .WithHeader("WWW-Authenticate", $"Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"{GraphClientId}\"");

    public static GraphAnswer AccessDenied(GraphRequest request, DateTimeOffset now) =>
        Answer(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", request, now);

    public static GraphAnswer InvalidUser(string user, GraphRequest request, DateTimeOffset now) =>
        Answer(404, "ErrorInvalidUser", $"The requested user '{user}' is invalid.", request, now);

    public static GraphAnswer ItemNotFound(GraphRequest request, DateTimeOffset now) =>
        Answer(404, "ErrorItemNotFound", "The specified object was not found in the store.", request, now);

    public static GraphAnswer BadRequest(string message, GraphRequest request, DateTimeOffset now) =>
        Answer(400, "BadRequest", message, request, now);

    public static GraphAnswer SyncStateNotFound(GraphRequest request, DateTimeOffset now) =>
        Answer(410, "syncStateNotFound", "The sync state generation is not found; start a new sync without a token.", request, now);

    public static GraphAnswer SyncStateInvalid(GraphRequest request, DateTimeOffset now) =>
        Answer(410, "syncStateInvalid", "The sync state is invalid; start a new sync without a token.", request, now);

    public static GraphAnswer Throttled(string code, string message, int retryAfterSeconds, GraphRequest request, DateTimeOffset now) =>
        Answer(429, code, message, request, now).WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

    public static GraphAnswer MailboxConcurrency(GraphRequest request, DateTimeOffset now) =>
        Throttled("ApplicationThrottled", "Application is over its MailboxConcurrency limit.", 1, request, now);
}
