namespace Credo.Pop3;

/// <summary>A message in the mailbox as <c>UIDL</c> and <c>LIST</c> describe it.</summary>
/// <param name="Index">
/// Its place in this session's listing, from 0 (POP3's message number is <c>Index + 1</c>); valid only in the session that
/// listed it, since another session may number the messages differently.
/// </param>
/// <param name="Uidl">The server's unique id of the message: the same in every session for as long as the message exists.</param>
/// <param name="Size">Its size in octets, as the server counts it.</param>
public sealed record Pop3MessageInfo(int Index, string Uidl, long Size);
