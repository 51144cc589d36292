namespace Credo.Core.Listeners.Sources;

/// <summary>New items and the state after them.</summary>
/// <param name="Items">New items, oldest first.</param>
/// <param name="SyncState">Where to continue.</param>
/// <param name="Complete">Whether there are no more changes for now.</param>
public sealed record MailChanges(IReadOnlyList<MailRef> Items, string SyncState, bool Complete);
