namespace Credo.Core.Listeners;

/// <summary>How a listener reads its mailbox. The names are the values stored, shown and accepted by the API.</summary>
public enum MailProtocol
{
    /// <summary>Exchange Web Services (Exchange Server, and Exchange Online while it allows EWS).</summary>
    EWS,

    /// <summary>Microsoft Graph (Exchange Online).</summary>
    Graph,

    /// <summary>IMAP with an OAuth 2.0 bearer token (XOAUTH2 or OAUTHBEARER).</summary>
    IMAP,
}
