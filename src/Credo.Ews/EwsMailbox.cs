using Credo.OAuth;

namespace Credo.Ews;

/// <summary>A mailbox reached as the application: the EWS endpoint, the SMTP address impersonated, and where tokens come from.</summary>
/// <param name="EwsUrl">The EWS endpoint, such as <c>https://outlook.office365.com/EWS/Exchange.asmx</c>.</param>
/// <param name="SmtpAddress">The mailbox's SMTP address.</param>
/// <param name="Tokens">The source of bearer tokens (a credential's cache entry).</param>
public sealed record EwsMailbox(Uri EwsUrl, string SmtpAddress, IAccessTokenSource Tokens)
{
    /// <summary>Describes the mailbox.</summary>
    public override string ToString() => $"{SmtpAddress} at {EwsUrl}";
}
