namespace Credo.Sandbox.Graph;

/// <summary>The message properties a <c>$select</c> asks for (<c>id</c> always comes); all of them without one.</summary>
internal sealed class GraphSelect
{
    /// <summary>The message properties the sandbox knows, in the order it writes them.</summary>
    public static readonly string[] MessageProperties =
    [
        "createdDateTime", "lastModifiedDateTime", "changeKey", "receivedDateTime", "sentDateTime", "hasAttachments",
        "internetMessageId", "subject", "bodyPreview", "parentFolderId", "isRead", "sender", "from", "toRecipients", "ccRecipients",
    ];

    private readonly HashSet<string>? _selected;

    private GraphSelect(HashSet<string>? selected, string? text)
    {
        _selected = selected;
        Text = text;
    }

    public static GraphSelect All { get; } = new(null, null);

    /// <summary>The <c>$select</c> as given, to carry into delta tokens; <see langword="null"/> for all properties.</summary>
    public string? Text { get; }

    public bool Includes(string property) => _selected is null || _selected.Contains(property);

    /// <summary>Parses <paramref name="text"/>; an unknown property makes it fail with that property's name.</summary>
    public static bool TryParse(string? text, out GraphSelect select, out string? unknown)
    {
        select = All;
        unknown = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var selected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!name.Equals("id", StringComparison.OrdinalIgnoreCase) && !MessageProperties.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                unknown = name;
                return false;
            }

            selected.Add(name);
        }

        select = new GraphSelect(selected, text);
        return true;
    }
}
