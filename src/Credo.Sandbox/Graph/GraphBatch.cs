using System.Text;
using System.Text.Json;

namespace Credo.Sandbox.Graph;

/// <summary>
/// JSON batching (<c>POST /v1.0/$batch</c>): at most 20 requests, each answered on its own (and so throttled or
/// faulted on its own). Without <c>dependsOn</c> up to four run at once, as in Graph; with <c>dependsOn</c> anywhere in
/// the batch, the requests run one after another in the order given, and one whose dependency failed is answered
/// <c>424 Failed Dependency</c>.
/// </summary>
internal sealed class GraphBatch(GraphDispatcher dispatcher, TimeProvider time)
{
    public const int MaxRequests = 20;
    public const int Parallelism = 4;

    public async Task<GraphAnswer> RunAsync(GraphRequest batch, GraphAccess access, CancellationToken cancellationToken)
    {
        GraphBatchRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(batch.Body.Span, GraphJsonContext.Default.GraphBatchRequest);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        var now = time.GetUtcNow();
        if (parsed?.Requests is not { Count: > 0 } steps
            || steps.Any(s => string.IsNullOrWhiteSpace(s.Id) || string.IsNullOrWhiteSpace(s.Method) || string.IsNullOrWhiteSpace(s.Url))
            || steps.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count() != steps.Count)
        {
            return GraphErrors.BadRequest("Invalid batch payload format: give requests, each with a unique id, a method and a relative url.", batch, now);
        }

        if (steps.Count > MaxRequests)
        {
            return GraphErrors.BadRequest($"Limit of {MaxRequests} requests in a batch exceeded.", batch, now);
        }

        var answers = new GraphAnswer[steps.Count];
        if (steps.Any(s => s.DependsOn is { Length: > 0 }))
        {
            var byId = new Dictionary<string, GraphAnswer>(StringComparer.Ordinal);
            for (var i = 0; i < steps.Count; i++)
            {
                var request = Inner(batch, steps[i]);
                var failed = steps[i].DependsOn?.Any(d => !byId.TryGetValue(d, out var before) || !before.IsSuccess) ?? false;
                answers[i] = failed
                    ? GraphErrors.Answer(424, "FailedDependency", "A request this one depends on failed.", request, time.GetUtcNow())
                    : await RunOneAsync(request, access, cancellationToken);
                byId[steps[i].Id!] = answers[i];
            }
        }
        else
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, steps.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, ct) => answers[i] = await RunOneAsync(Inner(batch, steps[i]), access, ct));
        }

        return GraphAnswer.WithJson(200, GraphResponseWriter.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("responses");
            for (var i = 0; i < steps.Count; i++)
            {
                Write(w, steps[i].Id!, answers[i]);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }

    private Task<GraphAnswer> RunOneAsync(GraphRequest request, GraphAccess access, CancellationToken cancellationToken) =>
        request.Segments is [var only] && only == "$batch"
            ? Task.FromResult(GraphErrors.BadRequest("A batch cannot contain a batch.", request, time.GetUtcNow()))
            : dispatcher.RunAsync(request, access, cancellationToken);

    private static GraphRequest Inner(GraphRequest batch, GraphBatchStep step)
    {
        var headers = step.Headers ?? [];
        var url = step.Url!;
        // Relative to the version root; tolerate the version or an absolute URL, which some clients send.
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            url = absolute.PathAndQuery;
        }

        url = "/" + url.TrimStart('/');
        if (url.StartsWith("/v1.0/", StringComparison.OrdinalIgnoreCase))
        {
            url = url["/v1.0".Length..];
        }

        var body = step.Body is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } json
            ? Encoding.UTF8.GetBytes(json.GetRawText())
            : ReadOnlyMemory<byte>.Empty;
        return GraphRequest.Parse(
            step.Method!,
            url,
            batch.LinkBase,
            GraphPreferences.Parse(headers.Where(h => string.Equals(h.Key, "Prefer", StringComparison.OrdinalIgnoreCase)).Select(h => (string?)h.Value)),
            headers.FirstOrDefault(h => string.Equals(h.Key, "client-request-id", StringComparison.OrdinalIgnoreCase)).Value ?? batch.ClientRequestId,
            body);
    }

    private static void Write(Utf8JsonWriter w, string id, GraphAnswer answer)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteNumber("status", answer.Status);
        w.WriteStartObject("headers");
        if (answer.ContentType is { } contentType)
        {
            w.WriteString("Content-Type", contentType);
        }

        foreach (var (name, value) in answer.Headers)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        if (answer.Json is { } json)
        {
            w.WritePropertyName("body");
            w.WriteRawValue(json, skipInputValidation: true);
        }
        else if (answer.Content is { } content)
        {
            // Graph puts a body that is not JSON into a batch response as base64.
            w.WriteBase64String("body", content);
        }

        w.WriteEndObject();
    }
}
