namespace Credo.Graph;

/// <summary>Limits Microsoft Graph sets on mail requests.</summary>
public static class GraphLimits
{
    /// <summary>Most requests in one JSON <c>$batch</c>.</summary>
    public const int MaxRequestsPerBatch = 20;

    /// <summary>Most requests one application may have in flight against one mailbox (Exchange Online's <c>MailboxConcurrency</c>).</summary>
    public const int MailboxConcurrency = 4;
}
