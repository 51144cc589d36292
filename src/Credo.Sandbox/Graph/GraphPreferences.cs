namespace Credo.Sandbox.Graph;

/// <summary>The preferences of a <c>Prefer</c> header that the Graph endpoint honours.</summary>
/// <param name="ImmutableIds"><c>IdType="ImmutableId"</c>: message ids that stay the same when a message moves.</param>
/// <param name="MaxPageSize"><c>odata.maxpagesize=N</c>, if given.</param>
internal sealed record GraphPreferences(bool ImmutableIds, int? MaxPageSize)
{
    public static GraphPreferences Parse(IEnumerable<string?> headerValues)
    {
        var immutable = false;
        int? pageSize = null;
        foreach (var value in headerValues)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    continue;
                }

                var name = part[..equals].Trim();
                var setting = part[(equals + 1)..].Trim().Trim('"');
                if (string.Equals(name, "IdType", StringComparison.OrdinalIgnoreCase))
                {
                    immutable = string.Equals(setting, "ImmutableId", StringComparison.OrdinalIgnoreCase);
                }
                else if (string.Equals(name, "odata.maxpagesize", StringComparison.OrdinalIgnoreCase) && int.TryParse(setting, out var size) && size > 0)
                {
                    pageSize = size;
                }
            }
        }

        return new GraphPreferences(immutable, pageSize);
    }
}
