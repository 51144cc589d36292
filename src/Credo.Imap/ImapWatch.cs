using Credo.OAuth;

namespace Credo.Imap;

/// <summary>What a pooled connection idles on between the calls of one reader of a mailbox (<see cref="ImapConnectionPool.Rest"/>), and whom it tells.</summary>
/// <param name="Key">Who reads (a listener's id): the key of its pooled connection.</param>
/// <param name="Name">How logs name the reader, such as the listener's name.</param>
/// <param name="Endpoint">Where and as whom to log in.</param>
/// <param name="Tokens">Where the bearer token comes from; a connection that is reopened while idling logs in with a fresh one.</param>
/// <param name="Folder">The folder to watch, as <see cref="ImapSession.FolderAsync"/> reads it.</param>
/// <param name="Version">The reader's settings' version, which its callbacks name.</param>
/// <param name="UidValidity">The folder's UIDVALIDITY when it was last read.</param>
/// <param name="ListedUpTo">The highest UID read; on a reopened connection, mail above it is announced at once.</param>
public sealed record ImapWatch(Guid Key, string Name, ImapEndpoint Endpoint, IAccessTokenSource Tokens, string Folder, long Version, uint UidValidity, uint ListedUpTo)
{
    /// <summary>Called when new mail arrives; answers false when the reader is gone, changed or elsewhere: its connection is closed.</summary>
    public required Func<CancellationToken, Task<bool>> NewMail { get; init; }

    /// <summary>Asked each time an IDLE ends without news (every <see cref="ImapOptions.IdleRestart"/>); false closes the connection.</summary>
    public required Func<CancellationToken, Task<bool>> StillWanted { get; init; }
}
