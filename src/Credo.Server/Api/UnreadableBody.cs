using System.Text.Json;

namespace Credo.Server.Api;

/// <summary>
/// A request the API cannot read (a body that is not JSON, not an object, or holds a value of the wrong type) is
/// answered as a validation problem that names the field and says what to send, like any other invalid value, instead
/// of a bare 400. Route handlers throw on such requests (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/>) so that
/// this can answer them.
/// </summary>
internal static class UnreadableBody
{
    /// <summary>Makes route handlers throw on a request they cannot read.</summary>
    public static IServiceCollection AddUnreadableBodyAnswers(this IServiceCollection services) =>
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

    /// <summary>Answers the requests route handlers could not read.</summary>
    public static IApplicationBuilder UseUnreadableBodyAnswers(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            var (field, message) = Describe(e);
            http.Response.Clear();
            await Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, statusCode: e.StatusCode, title: "The request is not valid.")
                .ExecuteAsync(http);
        }
    });

    /// <summary>The field (<c>body</c> for the whole) and what to send instead.</summary>
    internal static (string Field, string Message) Describe(BadHttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        const string sendObject = "Send a JSON object with the fields the API reference at /openapi/ documents.";
        if (exception.InnerException is not JsonException json)
        {
            // Not the body: a route or query value that does not bind ("Failed to bind parameter ... from ...").
            return exception.StatusCode == StatusCodes.Status415UnsupportedMediaType ? ("body", "Send the body as JSON, with Content-Type: application/json.")
                : exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? ("body", "The body is larger than this server takes; a listener's or credential's JSON is a few kilobytes.")
                : exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase) ? ("body", sendObject)
                : ("request", exception.Message);
        }

        const string conversion = "The JSON value could not be converted to ";
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        if (!json.Message.StartsWith(conversion, StringComparison.Ordinal))
        {
            return ("body", $"The body is not valid JSON at line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}: {json.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}");
        }

        // The converter that failed names either the value's type or, for a record bound through its constructor, the
        // record whose field it is: the field's own type then comes from the record.
        var named = CredoType(json.Message[conversion.Length..].Split(". Path:")[0]);
        var type = named?.GetProperties().FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))?.PropertyType ?? named;
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var expected =
            type is { IsEnum: true } ? $"one of {string.Join(", ", Enum.GetNames(type))}" :
            type == typeof(int) || type == typeof(long) ? "a whole number" :
            type == typeof(bool) ? "true or false" :
            type == typeof(Guid) ? "an id such as 0f8fad5b-d9cb-469f-a165-70867728950e" :
            type == typeof(string) && field is "scopes" or "resourceHosts" ? "text (several as one string, separated by spaces)" :
            type == typeof(string) ? "text" :
            "an object";
        return (field, field == "body" ? sendObject : $"Send {expected} for {field}.");
    }

    // A type the JSON reader named (System.Nullable`1[Credo.OAuth.ClientAuthenticationMethod], Credo.Server.Api.CredentialRequest, System.Int32).
    private static Type? CredoType(string name)
    {
        name = name.StartsWith("System.Nullable`1[", StringComparison.Ordinal) ? name["System.Nullable`1[".Length..].TrimEnd(']') : name;
        return name.StartsWith("System.", StringComparison.Ordinal) ? Type.GetType(name)
            : name.StartsWith("Credo.", StringComparison.Ordinal) ? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null)
            : null;
    }
}
