namespace Credo.Graph;

/// <summary>Settings of Microsoft Graph calls, bound from <c>Credo:Graph</c>.</summary>
public sealed class GraphOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Graph";

    /// <summary>How long one call may take, to the last byte of the answer. Default 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Largest answer accepted, a message's MIME included. Default 160 MiB: Exchange Online's largest message (150 MB) with room to spare.</summary>
    public long MaxResponseBytes { get; set; } = 160L * 1024 * 1024;

    /// <summary>
    /// Requests in flight per mailbox at most, counting the requests a JSON batch runs at once. Default 4, the most
    /// Exchange Online allows one application per mailbox.
    /// </summary>
    public int MaxConcurrentRequestsPerMailbox { get; set; } = GraphLimits.MailboxConcurrency;
}
