namespace Credo.Core.Listeners.Sources.Imap;

/// <summary>Mail over IMAP: listeners can be set up, and say clearly that reading is not available yet.</summary>
internal sealed class ImapMailSource() : UnavailableMailSource(MailProtocol.IMAP, "IMAP");
