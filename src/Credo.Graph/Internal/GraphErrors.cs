using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Credo.Graph.Internal.Wire;

namespace Credo.Graph.Internal;

/// <summary>Turns Graph's error answers (<c>{"error":{"code","message","innerError"}}</c>, statuses, <c>Retry-After</c>) into <see cref="GraphError"/>s.</summary>
internal static class GraphErrors
{
    private const int MaxMessageLength = 300;

    /// <summary>The error of a failed answer whose body is <paramref name="body"/> (JSON in Graph's shape, or anything else).</summary>
    public static GraphError From(int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter, string operation, string user)
    {
        WireError? wire = null;
        try
        {
            wire = body.IsEmpty ? null : JsonSerializer.Deserialize(body, GraphJson.Default.WireErrorAnswer)?.Error;
        }
        catch (JsonException)
        {
            // Not Graph's error shape (a proxy's HTML page, say): the status still tells what happened.
        }

        return From(status, wire, retryAfter, operation, user);
    }

    /// <summary>The error of a failed request inside a JSON batch.</summary>
    public static GraphError From(WireBatchResponse response, string operation, string user)
    {
        WireError? wire = null;
        if (response.Body is { ValueKind: JsonValueKind.Object } body)
        {
            try
            {
                wire = body.Deserialize(GraphJson.Default.WireErrorAnswer)?.Error;
            }
            catch (JsonException)
            {
                // As above.
            }
        }

        var header = response.Headers?.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value;
        return From(response.Status, wire, RetryAfter(header), operation, user);
    }

    /// <summary>The <c>Retry-After</c> of an answer, in seconds or as a date.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header?.Delta ?? (header?.Date is { } date ? Max(date - now, TimeSpan.Zero) : null);

    private static TimeSpan? RetryAfter(string? seconds) =>
        int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static GraphError From(int status, WireError? wire, TimeSpan? retryAfter, string operation, string user)
    {
        var code = wire?.Code;
        var kind = status switch
        {
            429 => GraphErrorKind.Throttled,
            503 or 504 => GraphErrorKind.ServiceUnavailable,
            500 or 502 => GraphErrorKind.ServerError,
            401 => GraphErrorKind.Unauthorized,
            410 => GraphErrorKind.InvalidSyncState,
            _ => code?.ToUpperInvariant() switch
            {
                "SYNCSTATENOTFOUND" or "SYNCSTATEINVALID" => GraphErrorKind.InvalidSyncState,
                "ERRORACCESSDENIED" or "ACCESSDENIED" or "AUTHORIZATION_REQUESTDENIED" => GraphErrorKind.AccessDenied,
                "MAILBOXNOTENABLEDFORRESTAPI" => GraphErrorKind.MailboxNotEnabled,
                "ERRORINVALIDUSER" or "RESOURCENOTFOUND" => GraphErrorKind.MailboxNotFound,
                "ERRORITEMNOTFOUND" => GraphErrorKind.ItemNotFound,
                _ when status == 403 => GraphErrorKind.AccessDenied,
                _ => GraphErrorKind.RequestFailed,
            },
        };

        var said = wire?.Message is { Length: > 0 } text ? ": " + (text.Length > MaxMessageLength ? text[..MaxMessageLength] + "…" : text) : ".";
        return new GraphError(kind, $"Microsoft Graph answered {operation} for {user} with HTTP {status}{said}")
        {
            Code = code,
            HttpStatus = status,
            RetryAfter = retryAfter,
            RequestId = wire?.InnerError?.RequestId,
        };
    }
}
