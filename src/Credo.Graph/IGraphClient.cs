using Credo.Net;

namespace Credo.Graph;

/// <summary>
/// The Microsoft Graph mail calls a listener needs, for one mailbox at a time, with immutable ids. Every failure of the
/// server, the network or the answer is a <see cref="GraphError"/> in the result; only cancellation and misuse throw.
/// </summary>
public interface IGraphClient
{
    /// <summary>
    /// The folder a path names: a well-known name (<c>Inbox</c>, <c>Deleted Items</c>, <c>archive</c>, ...) or a path
    /// of display names from the top (<c>Inbox/Invoices</c>), each step resolved through <c>childFolders</c>.
    /// </summary>
    Task<Result<GraphFolder, GraphError>> ResolveFolderAsync(GraphMailbox mailbox, string path, CancellationToken cancellationToken);

    /// <summary>The first page of a delta of the new messages in a folder: every message there now counts as new.</summary>
    Task<Result<GraphDeltaPage, GraphError>> StartDeltaAsync(GraphMailbox mailbox, string folderId, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// The next page from a <c>nextLink</c>, or what is new since a <c>deltaLink</c>, as an earlier page gave. A link Graph
    /// no longer accepts, or one that is not under the mailbox's Graph URL, is <see cref="GraphErrorKind.InvalidSyncState"/>.
    /// </summary>
    Task<Result<GraphDeltaPage, GraphError>> ContinueDeltaAsync(GraphMailbox mailbox, string link, int pageSize, CancellationToken cancellationToken);

    /// <summary>A message's full MIME content (<c>$value</c>), read streaming up to <see cref="GraphOptions.MaxResponseBytes"/>.</summary>
    Task<Result<byte[], GraphError>> GetMimeAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken);

    /// <summary>Sets <c>isRead</c> on up to <see cref="GraphLimits.MaxRequestsPerBatch"/> messages in one request; one result per message, in order.</summary>
    Task<Result<IReadOnlyList<Result<bool, GraphError>>, GraphError>> SetReadAsync(GraphMailbox mailbox, IReadOnlyList<string> messageIds, bool isRead, CancellationToken cancellationToken);

    /// <summary>Moves up to <see cref="GraphLimits.MaxRequestsPerBatch"/> messages to a folder id or well-known name in one request; one result per message, in order.</summary>
    Task<Result<IReadOnlyList<Result<bool, GraphError>>, GraphError>> MoveAsync(GraphMailbox mailbox, IReadOnlyList<string> messageIds, string destinationId, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes to the new messages of a folder (<c>POST /subscriptions</c>). Graph first sends a validation request to both
    /// URLs and creates nothing unless each answers it.
    /// </summary>
    Task<Result<GraphSubscription, GraphError>> SubscribeAsync(GraphMailbox mailbox, GraphSubscriptionRequest request, CancellationToken cancellationToken);

    /// <summary>Moves a subscription's end to <paramref name="expiresAt"/> (<c>PATCH expirationDateTime</c>); a subscription that is gone answers HTTP 404.</summary>
    Task<Result<GraphSubscription, GraphError>> RenewSubscriptionAsync(GraphMailbox mailbox, string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Answers a <c>reauthorizationRequired</c> lifecycle event (<c>POST /subscriptions/{id}/reauthorize</c>).</summary>
    Task<Result<bool, GraphError>> ReauthorizeSubscriptionAsync(GraphMailbox mailbox, string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Deletes a subscription; one that is gone already counts as deleted.</summary>
    Task<Result<bool, GraphError>> DeleteSubscriptionAsync(GraphMailbox mailbox, string subscriptionId, CancellationToken cancellationToken);
}
