namespace Credo.Sandbox.Ews;

/// <summary>
/// The requests a mailbox received: every EWS request that named it in its impersonation header and every Graph
/// request (each request of a <c>$batch</c> on its own) that named it in its path, answered with an injected fault or not. While requests are in flight, <see cref="Total"/> can be ahead of <see cref="Faulted"/>:
/// a request is counted when it arrives and as faulted when its answer is chosen.
/// </summary>
/// <param name="Total">All requests.</param>
/// <param name="Faulted">
/// Requests answered with an injected fault, one-off or steady (<see cref="SandboxFaultKind.Delay"/> delays an answer
/// without replacing it and is not counted).
/// </param>
/// <param name="ByOperation">
/// Requests by operation: EWS operation names, such as <c>SyncFolderItems</c> or <c>GetItem</c>, and Graph requests
/// named <c>graph:</c> and what they do, such as <c>graph:delta</c>, <c>graph:getMime</c> or <c>graph:move</c>. Graph
/// subscription requests count on the mailbox their resource names (<c>graph:createSubscription</c>,
/// <c>graph:getSubscription</c>, <c>graph:renewSubscription</c>, <c>graph:reauthorizeSubscription</c>,
/// <c>graph:deleteSubscription</c>) but take no turn in the fault rate and no injected fault; the change notifications
/// the sandbox sends are not requests and do not count.
/// </param>
public sealed record SandboxRequestCounts(int Total, int Faulted, IReadOnlyDictionary<string, int> ByOperation)
{
    /// <summary>The protocol name of EWS requests in <see cref="ByProtocol"/>.</summary>
    public const string Ews = "EWS";

    /// <summary>The protocol name of Microsoft Graph requests in <see cref="ByProtocol"/>.</summary>
    public const string Graph = "Graph";

    /// <summary>Requests by protocol: <see cref="Ews"/> and <see cref="Graph"/>.</summary>
    public IReadOnlyDictionary<string, int> ByProtocol { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// The most EWS requests this mailbox had in flight at once (from arrival to answer). One poller sends one request at a
    /// time to an idle mailbox, so more than 1 there means two pollers worked on it together.
    /// </summary>
    public int MaxInFlight { get; init; }

    /// <summary>
    /// The shortest time between the arrivals of two EWS <c>SyncFolderItems</c> requests, in milliseconds; <see langword="null"/>
    /// before the second. An idle mailbox's poll sends one, so this is the shortest time between two of its polls.
    /// </summary>
    public double? ShortestSyncGapMilliseconds { get; init; }
}
