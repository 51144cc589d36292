namespace Credo.Ews;

/// <summary>A folder: a well-known (distinguished) name such as <c>inbox</c>, or a folder id.</summary>
public readonly record struct EwsFolderId
{
    private EwsFolderId(string value, bool distinguished)
    {
        Value = value;
        IsDistinguished = distinguished;
    }

    /// <summary>The distinguished name or the id.</summary>
    public string Value { get; }

    /// <summary>Whether <see cref="Value"/> is a distinguished name.</summary>
    public bool IsDistinguished { get; }

    /// <summary>The Inbox.</summary>
    public static EwsFolderId Inbox => Distinguished("inbox");

    /// <summary>Deleted Items.</summary>
    public static EwsFolderId DeletedItems => Distinguished("deleteditems");

    /// <summary>The root of the mail folders (Top of Information Store).</summary>
    public static EwsFolderId MessageRoot => Distinguished("msgfolderroot");

    /// <summary>A well-known folder, by its EWS name (<c>inbox</c>, <c>sentitems</c>, ...).</summary>
    public static EwsFolderId Distinguished(string name) => new(name.ToLowerInvariant(), true);

    /// <summary>
    /// The well-known folder a display name or EWS name stands for (<c>Inbox</c>, <c>Deleted Items</c>, <c>sentitems</c>,
    /// <c>Archive</c>, any case), so that it needs no lookup.
    /// </summary>
    public static bool TryWellKnown(string name, out EwsFolderId folder)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = WellKnownNames.TryGetValue(name.Trim().Trim('/'), out var distinguished);
        folder = found ? Distinguished(distinguished!) : default;
        return found;
    }

    private static readonly Dictionary<string, string> WellKnownNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Inbox"] = "inbox",
        ["Deleted Items"] = "deleteditems",
        ["deleteditems"] = "deleteditems",
        ["Sent Items"] = "sentitems",
        ["sentitems"] = "sentitems",
        ["Drafts"] = "drafts",
        ["Junk Email"] = "junkemail",
        ["junkemail"] = "junkemail",
        ["Archive"] = "archivemsgfolderroot",
    };

    /// <summary>A folder by id.</summary>
    public static EwsFolderId FromId(string id) => new(id, false);

    /// <summary>The value.</summary>
    public override string ToString() => Value;
}
