namespace Credo.Sandbox.Ews;

/// <summary>A folder of a sandbox mailbox and the log of changes that <c>SyncFolderItems</c> replays.</summary>
public sealed class SandboxFolder
{
    internal SandboxFolder(string id, string displayName, string? parentId, string? distinguishedName)
    {
        Id = id;
        DisplayName = displayName;
        ParentId = parentId;
        DistinguishedName = distinguishedName;
    }

    /// <summary>Folder id.</summary>
    public string Id { get; }

    /// <summary>Display name.</summary>
    public string DisplayName { get; }

    /// <summary>Parent folder id; <see langword="null"/> for the root.</summary>
    public string? ParentId { get; }

    /// <summary>The EWS well-known name (<c>inbox</c>, ...), if it is a well-known folder.</summary>
    public string? DistinguishedName { get; }

    internal List<SandboxChange> Changes { get; } = [];
}

/// <summary>One entry of a folder's change log.</summary>
internal sealed record SandboxChange(long Sequence, SandboxChangeKind Kind, string ItemId, bool IsRead);

internal enum SandboxChangeKind
{
    Create,
    Delete,
    ReadFlagChange,
}
