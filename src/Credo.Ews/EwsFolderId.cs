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

    /// <summary>A folder by id.</summary>
    public static EwsFolderId FromId(string id) => new(id, false);

    /// <summary>The value.</summary>
    public override string ToString() => Value;
}
