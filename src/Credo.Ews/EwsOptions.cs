namespace Credo.Ews;

/// <summary>Settings of EWS calls, bound from <c>Credo:Ews</c>.</summary>
public sealed class EwsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Ews";

    /// <summary>The <c>RequestServerVersion</c> sent; default <c>Exchange2013_SP1</c>, which app-only access needs at least.</summary>
    public string RequestServerVersion { get; set; } = "Exchange2013_SP1";

    /// <summary>How long one call may take, to the last byte of the answer. Default 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Largest answer accepted. Default 128 MiB: ten messages of 25 MB in base64 with room to spare.</summary>
    public long MaxResponseBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Requests in flight per mailbox at most. Default 2 (Exchange Online allows 27 per user; Microsoft advises under 10).</summary>
    public int MaxConcurrentRequestsPerMailbox { get; set; } = 2;
}
