using Credo.OAuth;

namespace Credo.Imap;

/// <summary>What <see cref="ImapIdleWatcher"/> watches for one reader of a mailbox, and whom it tells.</summary>
/// <param name="Key">Who watches (a listener's id); a newer watch for the same key replaces the older one.</param>
/// <param name="Name">How logs name the watcher, such as the listener's name.</param>
/// <param name="Endpoint">Where and as whom to log in.</param>
/// <param name="Tokens">Where the bearer token comes from.</param>
/// <param name="Folder">The folder to watch, as <see cref="ImapSession.FolderAsync"/> reads it.</param>
/// <param name="Version">The settings' version; a watch with other settings or another version replaces a running one.</param>
/// <param name="UidValidity">The folder's UIDVALIDITY when it was last read.</param>
/// <param name="ListedUpTo">The highest UID read; mail above it that arrived before the watch began is announced at once.</param>
public sealed record ImapWatch(Guid Key, string Name, ImapEndpoint Endpoint, IAccessTokenSource Tokens, string Folder, long Version, uint UidValidity, uint ListedUpTo)
{
    /// <summary>Called when new mail arrives; answers false to end the watch (the reader is gone, changed or elsewhere).</summary>
    public required Func<CancellationToken, Task<bool>> NewMail { get; init; }

    /// <summary>Asked each time an IDLE ends without news; answers false to end the watch.</summary>
    public required Func<CancellationToken, Task<bool>> StillWanted { get; init; }
}
