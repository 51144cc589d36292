namespace Credo.Core.Listeners.Sources;

/// <summary>The Microsoft resource a protocol's tokens are for; a credential for the other is refused.</summary>
public enum MicrosoftResource
{
    /// <summary>Exchange Online (<c>https://outlook.office365.com/.default</c>): EWS, IMAP, POP3.</summary>
    Exchange,

    /// <summary>Microsoft Graph (<c>https://graph.microsoft.com/.default</c>).</summary>
    Graph,
}
