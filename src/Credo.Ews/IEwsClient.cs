using Credo.Net;

namespace Credo.Ews;

/// <summary>
/// The EWS operations Credo uses, as the application impersonating a mailbox. Every failure of Exchange, the
/// network or the answer is an <see cref="EwsError"/> in the result; only cancellation and a caller's bug (such as too
/// many ids for one call) throw.
/// </summary>
public interface IEwsClient
{
    /// <summary><c>SyncFolderItems</c> (IdOnly): the changes since <paramref name="syncState"/> (all items when null), at most <paramref name="maxChanges"/> (1–512).</summary>
    Task<Result<SyncFolderItemsResult, EwsError>> SyncFolderItemsAsync(EwsMailbox mailbox, EwsFolderId folder, string? syncState, int maxChanges, CancellationToken cancellationToken);

    /// <summary><c>GetItem</c> for at most 10 items: the listener's properties and, if asked, the MIME content. One result per id, in order.</summary>
    Task<Result<IReadOnlyList<Result<EwsMessage, EwsError>>, EwsError>> GetItemsAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, bool includeMime, CancellationToken cancellationToken);

    /// <summary>
    /// <c>UpdateItem</c> with one <c>ItemChange</c> per id setting <c>IsRead</c>, for 1 to
    /// <see cref="EwsLimits.MaxItemsPerChange"/> items in one request. One result per id, in order: the item's new id
    /// and change key, or that item's error (such as <see cref="EwsErrorKind.ItemNotFound"/>) while the others succeed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No ids, or more than <see cref="EwsLimits.MaxItemsPerChange"/>.</exception>
    Task<Result<IReadOnlyList<Result<EwsItemId, EwsError>>, EwsError>> SetReadAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, bool isRead, CancellationToken cancellationToken);

    /// <summary>
    /// <c>MoveItem</c> with many <c>ItemIds</c>, for 1 to <see cref="EwsLimits.MaxItemsPerChange"/> items in one
    /// request. One result per id, in order: the item's id in the target folder (ids change on move), or that item's error.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No ids, or more than <see cref="EwsLimits.MaxItemsPerChange"/>.</exception>
    Task<Result<IReadOnlyList<Result<EwsItemId, EwsError>>, EwsError>> MoveItemsAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, EwsFolderId target, CancellationToken cancellationToken);

    /// <summary>
    /// <c>DeleteItem</c> with <c>MoveToDeletedItems</c> and many <c>ItemIds</c>, for 1 to
    /// <see cref="EwsLimits.MaxItemsPerChange"/> items in one request. One result per id, in order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No ids, or more than <see cref="EwsLimits.MaxItemsPerChange"/>.</exception>
    Task<Result<IReadOnlyList<Result<bool, EwsError>>, EwsError>> DeleteItemsAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, CancellationToken cancellationToken);

    /// <summary><c>GetFolder</c>.</summary>
    Task<Result<EwsFolder, EwsError>> GetFolderAsync(EwsMailbox mailbox, EwsFolderId folder, CancellationToken cancellationToken);

    /// <summary><c>FindFolder</c> (shallow): the folders directly under <paramref name="parent"/>.</summary>
    Task<Result<IReadOnlyList<EwsFolder>, EwsError>> FindFoldersAsync(EwsMailbox mailbox, EwsFolderId parent, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves a folder path such as <c>Inbox</c>, <c>Inbox/Invoices</c> or <c>Archive/2026</c>: the first segment is a
    /// well-known folder name or a folder under the mailbox root, the rest are subfolders by display name (any case).
    /// </summary>
    Task<Result<EwsFolder, EwsError>> ResolveFolderAsync(EwsMailbox mailbox, string path, CancellationToken cancellationToken);

    /// <summary><c>FindItem</c> (shallow, IdOnly) with an <c>IndexedPageItemView</c>, optionally unread items only.</summary>
    Task<Result<FindItemsPage, EwsError>> FindItemsAsync(EwsMailbox mailbox, EwsFolderId folder, bool unreadOnly, int offset, int maxEntries, CancellationToken cancellationToken);
}
