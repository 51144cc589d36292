namespace Credo.Sandbox.Ews;

/// <summary>
/// One entry written to a folder's change log, as the mailbox tells its observer: which item came, changed or went,
/// with the ids it had at that moment (a move gives the item a new <see cref="ItemId"/>).
/// </summary>
internal readonly record struct MailboxChange(SandboxMailbox Mailbox, string FolderId, SandboxChangeKind Kind, string ItemId, string ImmutableId, string ChangeKey);
