using Credo.Net;

namespace Credo.Core.Listeners.Sources;

/// <summary>
/// Where a listener's mail comes from, one protocol per implementation. The engine knows nothing of the protocol: it
/// pages through <see cref="ChangesAsync"/>, fetches, records, and applies the after-processing action in the batch
/// sizes the source's <see cref="Capabilities"/> give, retrying throttled calls. Every failure of the server, the
/// network or the answer is a <see cref="MailError"/> in the result; only cancellation throws.
/// </summary>
public interface IMailSource
{
    /// <summary>The name of the protocol this source reads (<see cref="IMailProtocol.Name"/>).</summary>
    string Protocol { get; }

    /// <summary>Page and batch sizes and concurrency.</summary>
    MailSourceCapabilities Capabilities { get; }

    /// <summary>
    /// The ids of new items since <paramref name="syncState"/> (everything when null), at most
    /// <see cref="MailSourceCapabilities.PageSize"/>, and the state to continue from.
    /// </summary>
    Task<Result<MailChanges, MailError>> ChangesAsync(MailboxTarget mailbox, string? syncState, CancellationToken cancellationToken);

    /// <summary>At most <see cref="MailSourceCapabilities.FetchBatchSize"/> listed items with their MIME; items that are gone are left out.</summary>
    Task<Result<IReadOnlyList<MailItem>, MailError>> FetchAsync(MailboxTarget mailbox, IReadOnlyList<MailRef> listed, CancellationToken cancellationToken);

    /// <summary>
    /// Marks read, moves or deletes at most <see cref="MailSourceCapabilities.ApplyBatchSize"/> items, as the listener's
    /// after-processing setting says; an item that is gone counts as done. A failed call is tried again with the same
    /// list, so a source whose requests can partly succeed may remember per list what is done and send only the rest.
    /// </summary>
    Task<Result<bool, MailError>> ApplyAsync(MailboxTarget mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken);

    /// <summary>Opens the listener's mailbox and folder without changing anything, for Test connection: what is there.</summary>
    Task<Result<string, MailError>> TestAsync(MailboxTarget mailbox, CancellationToken cancellationToken);

    /// <summary>
    /// The poll of <paramref name="mailbox"/> is over, whether it finished, failed or was stopped: a source that keeps a
    /// session for the length of a poll (POP3, whose deletions take effect only when the session ends) ends it here.
    /// Called once per poll, with a token that gives it a few seconds; nothing by default.
    /// </summary>
    ValueTask EndPollAsync(MailboxTarget mailbox, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
