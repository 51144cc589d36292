namespace Credo.Core.Listeners;

/// <summary>A listener's status with the times that explain it (<see cref="ListenerHealth.Describe"/>).</summary>
/// <param name="Status">The one status shown everywhere.</param>
/// <param name="Summary">One sentence saying why it has that status.</param>
/// <param name="LastSuccessAt">When a poll last succeeded.</param>
/// <param name="LastMessageAt">When a mail was last recorded.</param>
/// <param name="FailingSince">When the current run of failed polls began (Error or Stalled with an error).</param>
/// <param name="NextRetryAt">When the failed poll is tried again.</param>
/// <param name="DeliveryFailures">Failed webhook delivery attempts in a row.</param>
/// <param name="DeliveryFailingSince">When the current run of failed delivery attempts began.</param>
/// <param name="Polling">What the poll running now does, once it has run a while (<see cref="ListenerHealth.Polling"/>).</param>
public sealed record ListenerHealthReport(
    ListenerStatus Status,
    string Summary,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastMessageAt,
    DateTimeOffset? FailingSince,
    DateTimeOffset? NextRetryAt,
    int DeliveryFailures,
    DateTimeOffset? DeliveryFailingSince,
    string? Polling);
