using Credo.OAuth;

namespace Credo.Graph;

/// <summary>A mailbox reached as the application: the Graph base URL, the mailbox, and where tokens come from.</summary>
/// <param name="GraphUrl">The Graph base URL, such as <c>https://graph.microsoft.com/v1.0</c>.</param>
/// <param name="User">The mailbox's SMTP address or user principal name.</param>
/// <param name="Tokens">The source of bearer tokens (a credential's cache entry).</param>
public sealed record GraphMailbox(Uri GraphUrl, string User, IAccessTokenSource Tokens)
{
    /// <summary>Describes the mailbox.</summary>
    public override string ToString() => $"{User} at {GraphUrl}";
}
