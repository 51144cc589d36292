using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// A live subscription: what it watches and where it sends, its expiry and reauthorization mark (read without a lock,
/// since the mailboxes' change observer reads them under a mailbox's lock), and counts of what was sent.
/// </summary>
internal sealed class GraphSubscription
{
    private long _expiresUtcTicks;
    private int _reauthorizationRequired;
    private int _queued;
    private int _sent;
    private int _failed;
    private int _lifecycleSent;
    private int _lifecycleFailed;
    private int _failedAttempts;

    public required string Id { get; init; }

    public required string ApplicationId { get; init; }

    public required string Resource { get; init; }

    public required SandboxMailbox Mailbox { get; init; }

    /// <summary>The folder watched, or <see langword="null"/> for every folder of the mailbox (<c>users/{id}/messages</c>).</summary>
    public required string? FolderId { get; init; }

    /// <summary>The change types as given, for the answers.</summary>
    public required string ChangeType { get; init; }

    public required IReadOnlySet<SandboxChangeKind> Kinds { get; init; }

    public required Uri NotificationUrl { get; init; }

    public required Uri? LifecycleNotificationUrl { get; init; }

    public required string? ClientState { get; init; }

    /// <summary>Created with <c>Prefer: IdType="ImmutableId"</c>: notifications name messages by their immutable ids.</summary>
    public required bool ImmutableIds { get; init; }

    public DateTimeOffset Expiration
    {
        get => new(Volatile.Read(ref _expiresUtcTicks), TimeSpan.Zero);
        set => Volatile.Write(ref _expiresUtcTicks, value.UtcTicks);
    }

    public bool ReauthorizationRequired
    {
        get => Volatile.Read(ref _reauthorizationRequired) != 0;
        set => Volatile.Write(ref _reauthorizationRequired, value ? 1 : 0);
    }

    public bool IsExpired(DateTimeOffset now) => Expiration <= now;

    public bool Watches(in MailboxChange change) =>
        ReferenceEquals(change.Mailbox, Mailbox) && (FolderId is null || FolderId == change.FolderId) && Kinds.Contains(change.Kind);

    public void CountQueued() => Interlocked.Increment(ref _queued);

    public void CountSent(bool lifecycle, int count) => Interlocked.Add(ref lifecycle ? ref _lifecycleSent : ref _sent, count);

    public void CountFailed(bool lifecycle, int count) => Interlocked.Add(ref lifecycle ? ref _lifecycleFailed : ref _failed, count);

    public void CountFailedAttempt() => Interlocked.Increment(ref _failedAttempts);

    public SandboxSubscription Snapshot() =>
        new(Id, ApplicationId, Resource, Mailbox.Address, ChangeType, NotificationUrl, LifecycleNotificationUrl, Expiration, ReauthorizationRequired)
        {
            NotificationsQueued = Volatile.Read(ref _queued),
            NotificationsSent = Volatile.Read(ref _sent),
            NotificationsFailed = Volatile.Read(ref _failed),
            LifecycleEventsSent = Volatile.Read(ref _lifecycleSent),
            LifecycleEventsFailed = Volatile.Read(ref _lifecycleFailed),
            FailedAttempts = Volatile.Read(ref _failedAttempts),
        };
}
