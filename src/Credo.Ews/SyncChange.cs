namespace Credo.Ews;

/// <summary>What happened to an item, as <c>SyncFolderItems</c> reports it.</summary>
public enum SyncChangeKind
{
    /// <summary>The item is new in the folder.</summary>
    Create,

    /// <summary>The item changed.</summary>
    Update,

    /// <summary>The item left the folder.</summary>
    Delete,

    /// <summary>Only its read flag changed.</summary>
    ReadFlagChange,
}

/// <summary>One change of a <c>SyncFolderItems</c> answer.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ItemId">The item.</param>
/// <param name="IsRead">The read flag, for <see cref="SyncChangeKind.ReadFlagChange"/>.</param>
public sealed record SyncChange(SyncChangeKind Kind, EwsItemId ItemId, bool? IsRead = null);

/// <summary>One page of changes and the state to continue from.</summary>
/// <param name="SyncState">Opaque; send it with the next call. Save it only after the changes it covers are recorded.</param>
/// <param name="IncludesLastItemInRange">Whether this page reached the end of the changes.</param>
/// <param name="Changes">The changes, oldest first.</param>
public sealed record SyncFolderItemsResult(string SyncState, bool IncludesLastItemInRange, IReadOnlyList<SyncChange> Changes);
