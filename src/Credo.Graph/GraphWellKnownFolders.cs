namespace Credo.Graph;

/// <summary>Graph's well-known folder names, and the display names that stand for them.</summary>
public static class GraphWellKnownFolders
{
    /// <summary>Deleted Items, where Credo's "delete" moves mail.</summary>
    public const string DeletedItems = "deleteditems";

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
        ["Archive"] = "archive",
        ["Outbox"] = "outbox",
    };

    /// <summary>The well-known name <paramref name="name"/> stands for (any case, surrounding slashes ignored), which Graph takes in place of a folder id.</summary>
    public static bool TryWellKnown(string name, out string wellKnown) =>
        WellKnownNames.TryGetValue(name.Trim().Trim('/'), out wellKnown!);
}
