namespace Credo.Sandbox.Graph;

/// <summary>
/// One Graph request, from HTTP or from inside a <c>$batch</c>: the path below <c>/v1.0</c> split into unescaped
/// segments (with <c>name('key')</c> split in two), the query, the headers that matter and the body.
/// </summary>
internal sealed class GraphRequest
{
    public required string Method { get; init; }

    public required IReadOnlyList<string> Segments { get; init; }

    public required IReadOnlyDictionary<string, string> Query { get; init; }

    /// <summary>The <c>Prefer</c> header values, split at commas.</summary>
    public required GraphPreferences Preferences { get; init; }

    public required string ClientRequestId { get; init; }

    public string RequestId { get; } = Guid.NewGuid().ToString();

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Scheme, host and <c>/v1.0/</c>, for the absolute links Graph returns.</summary>
    public required string LinkBase { get; init; }

    public bool IsGet => string.Equals(Method, "GET", StringComparison.OrdinalIgnoreCase);

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses a target such as <c>/users/a@b/mailFolders('inbox')/messages/delta?$select=id</c>.</summary>
    public static GraphRequest Parse(string method, string target, string linkBase, GraphPreferences preferences, string? clientRequestId, ReadOnlyMemory<byte> body)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var segments = new List<string>();
        foreach (var raw in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            // The key form mailFolders('id') means mailFolders/id, whether or not the client escaped the brackets.
            var segment = Uri.UnescapeDataString(raw);
            var open = segment.IndexOf("('", StringComparison.Ordinal);
            if (open > 0 && segment.EndsWith("')", StringComparison.Ordinal))
            {
                segments.Add(segment[..open]);
                segments.Add(segment[(open + 2)..^2].Replace("''", "'", StringComparison.Ordinal));
            }
            else
            {
                segments.Add(segment);
            }
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (question >= 0)
        {
            foreach (var pair in target[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Unescape(equals < 0 ? pair : pair[..equals]);
                query[name] = equals < 0 ? "" : Unescape(pair[(equals + 1)..]);
            }
        }

        return new GraphRequest
        {
            Method = method.ToUpperInvariant(),
            Segments = segments,
            Query = query,
            Preferences = preferences,
            ClientRequestId = string.IsNullOrWhiteSpace(clientRequestId) ? Guid.NewGuid().ToString() : clientRequestId,
            Body = body,
            LinkBase = linkBase,
        };
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
