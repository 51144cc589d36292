namespace Credo.Sandbox.Ews;

/// <summary>
/// The EWS requests a mailbox received: every request that named it in its impersonation header, answered with an
/// injected fault or not. While requests are in flight, <see cref="Total"/> can be ahead of <see cref="Faulted"/>:
/// a request is counted when it arrives and as faulted when its answer is chosen.
/// </summary>
/// <param name="Total">All requests.</param>
/// <param name="Faulted">
/// Requests answered with an injected fault, one-off or steady (<see cref="SandboxFaultKind.Delay"/> delays an answer
/// without replacing it and is not counted).
/// </param>
/// <param name="ByOperation">Requests by EWS operation name, such as <c>SyncFolderItems</c> or <c>GetItem</c>.</param>
public sealed record SandboxRequestCounts(int Total, int Faulted, IReadOnlyDictionary<string, int> ByOperation);
