namespace Credo.Core.Listeners.Sources;

/// <summary>New items and the state after them.</summary>
/// <param name="ItemIds">New item ids, oldest first.</param>
/// <param name="SyncState">Where to continue.</param>
/// <param name="Complete">Whether there are no more changes for now.</param>
public sealed record MailChanges(IReadOnlyList<string> ItemIds, string SyncState, bool Complete);
