namespace Credo.Core.Listeners.Engine;

/// <summary>Settings of the listener engine and webhook worker, bound from <c>Credo:Listeners</c>.</summary>
public sealed class ListenerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Listeners";

    /// <summary>This node's name in leases; default the machine name and process id.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>How long a lease lasts unless renewed; a dead node's listeners are taken over after it. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the engine claims the listeners due before its next claim (each then starts at its own due time, so the
    /// tick sets how often the database is asked, not how late a poll starts), and the webhook worker looks for deliveries. Default 1 s.
    /// </summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait before retrying a throttled or failed request within a poll; it doubles with each further failure. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the engine checks the polls it runs: it renews their leases, publishes what a long poll is doing, and
    /// stops a poll whose listener was disabled, deleted or changed, or whose lease another node took. Default 2 s, so a
    /// poll stops within a few seconds of such a change. Shorter than half the lease.
    /// </summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a poll runs before the console, the API and the CLI show what it is doing. Default 10 s.</summary>
    public TimeSpan LivePollAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pages one poll reads before it yields to the next poll, which goes on from there at once. Default 50.</summary>
    public int MaxPagesPerPoll { get; set; } = 50;

    /// <summary>How long one poll reads pages before it yields to the next poll, which goes on from there at once. Default 10 min.</summary>
    public TimeSpan MaxPollDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Polls one node runs at once; due listeners beyond it wait for a free slot, longest-waiting first. Default 64: idle
    /// polls take milliseconds, so this bounds a burst (after a restart, say) without delaying a healthy schedule.
    /// </summary>
    public int MaxConcurrentPolls { get; set; } = 64;

    /// <summary>
    /// How many throttled mail-source requests one poll retries before it ends (keeping its progress); every five
    /// requests that succeed earn one retry back, up to this many. Default 50: a server that throttles one request in six
    /// or fewer never spends it, one that refuses everything ends the poll after 50 retries. Failures that are not
    /// throttling are retried at most twice within 10 s, then end the poll as an error.
    /// </summary>
    public int RetriesPerPoll { get; set; } = 50;

    /// <summary>
    /// Longest wait before retrying one request, and never more than half the lease (which is renewed before each wait).
    /// A server that asks for longer ends the poll, and the next poll comes when the server said. Default 20 s.
    /// </summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest mail whose attachments a webhook delivery carries; larger ones carry the attachments' names and sizes only. Default 25 MB.</summary>
    public long MaxAttachmentMessageBytes { get; set; } = ListenerRules.MaxMessageBytes;

    /// <summary>
    /// Longest wait after failed polls: after a failed poll the next one comes after the poll interval, doubling with each
    /// further failure up to this (or the poll interval, when that is longer). Default 5 min.
    /// </summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a webhook delivery is retried. Default 24 h.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Timeout of one webhook call. Default 30 s.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
