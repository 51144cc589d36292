using Credo.Core.Listeners.Sources;
using Credo.Core.Webhooks;

namespace Credo.Core.Listeners;

/// <summary>
/// An Email Listener: reads a mailbox over one of the mail protocols (<see cref="MailProtocols"/>) as the application with a credential's token, and turns each new mail
/// into a received-message record and, with a webhook, a signed delivery. The settings are changed by administrators
/// (with <see cref="Version"/> as the concurrency token); the run state is written by the engine alone.
/// </summary>
public sealed class EmailListener
{
    /// <summary>Identifier.</summary>
    public Guid Id { get; set; }

    /// <summary>Name, unique regardless of case.</summary>
    public string Name { get; set; } = "";

    /// <summary>Upper-case name for the unique index.</summary>
    public string NormalizedName { get; set; } = "";

    /// <summary>Whether the engine polls it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How the mailbox is read: the name of one of <see cref="MailProtocols.All"/>.</summary>
    public string Protocol { get; set; } = MailProtocols.Default.Name;

    /// <summary>The protocols' settings, the chosen one's used; stored as one JSON value.</summary>
    public ListenerSettings Settings { get; set; } = new();

    /// <summary>SMTP address (or, for Graph, user principal name) of the mailbox.</summary>
    public string Mailbox { get; set; } = "";

    /// <summary>Folder: <c>Inbox</c>, a well-known folder name, or a path such as <c>Inbox/Invoices</c>.</summary>
    public string Folder { get; set; } = "Inbox";

    /// <summary>The OAuth2 Client Credentials credential it uses.</summary>
    public Guid CredentialId { get; set; }

    /// <summary>Seconds between polls; at least 5.</summary>
    public int PollIntervalSeconds { get; set; } = 30;

    /// <summary>Only unread mail.</summary>
    public bool UnreadOnly { get; set; } = true;

    /// <summary>Only mail whose sender contains this text (any case).</summary>
    public string? FromContains { get; set; }

    /// <summary>Only mail whose subject contains this text (any case).</summary>
    public string? SubjectContains { get; set; }

    /// <summary>Only mail with attachments.</summary>
    public bool OnlyWithAttachments { get; set; }

    /// <summary>What to do with a mail once recorded.</summary>
    public AfterProcessing AfterProcessing { get; set; } = AfterProcessing.MarkRead;

    /// <summary>Target folder of <see cref="AfterProcessing.Move"/>.</summary>
    public string? MoveToFolder { get; set; }

    /// <summary>Whether webhook deliveries carry attachments (up to <see cref="ListenerRules.MaxMessageBytes"/> a message).</summary>
    public bool IncludeAttachments { get; set; } = true;

    /// <summary>Webhook URL, if any.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>
    /// Days the full MIME of this listener's mail is kept; <see langword="null"/> follows <c>Credo:Retention:MimeDays</c>,
    /// 0 keeps it forever.
    /// </summary>
    public int? KeepContentDays { get; set; }

    /// <summary>The shape of the webhook body: Standard (default) or CloudEvents.</summary>
    public WebhookFormat WebhookFormat { get; set; }

    /// <summary>The webhook signing secret, Data Protection-protected.</summary>
    public string? ProtectedWebhookSecret { get; set; }

    /// <summary>
    /// The signing secret before the last change, Data Protection-protected: deliveries carry its signature beside the new
    /// one for <c>Credo:Webhooks:SecretOverlap</c> after <see cref="WebhookSecretChangedAt"/>, so receivers switch without losing one.
    /// </summary>
    public string? ProtectedPreviousWebhookSecret { get; set; }

    /// <summary>When the signing secret was last changed; null if it never was.</summary>
    public DateTimeOffset? WebhookSecretChangedAt { get; set; }

    /// <summary>Bumped by every change of settings.</summary>
    public long Version { get; set; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The mail source's sync state after the last page that was durably recorded and processed.</summary>
    public string? SyncState { get; set; }

    /// <summary>When the engine polls next.</summary>
    public DateTimeOffset? NextPollAt { get; set; }

    /// <summary>When it was last polled.</summary>
    public DateTimeOffset? LastPollAt { get; set; }

    /// <summary>When a poll last succeeded.</summary>
    public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>The last error, readable.</summary>
    public string? LastError { get; set; }

    /// <summary>What to do about <see cref="LastError"/>.</summary>
    public string? LastErrorHint { get; set; }

    /// <summary>The server's own words behind <see cref="LastError"/>, where that says in plain words what they mean.</summary>
    public string? LastErrorDetails { get; set; }

    /// <summary>Failed polls in a row.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>Mails recorded so far.</summary>
    public long MessagesReceived { get; set; }

    /// <summary>When a mail was last recorded.</summary>
    public DateTimeOffset? LastMessageAt { get; set; }

    /// <summary>When the current run of failed polls began (the first failure after a success); none while polls succeed.</summary>
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>Failed webhook delivery attempts in a row, over all of this listener's deliveries; a delivered one resets it.</summary>
    public int DeliveryFailures { get; set; }

    /// <summary>When the current run of failed delivery attempts began; none once a delivery succeeds.</summary>
    public DateTimeOffset? DeliveryFailingSince { get; set; }

    /// <summary>When the poll running now started, once it has run long enough to be shown; none between polls.</summary>
    public DateTimeOffset? PollStartedAt { get; set; }

    /// <summary>What the poll running now is doing, in words, as its node last published it; none between polls.</summary>
    public string? PollActivity { get; set; }

    /// <summary>The node that holds the lease.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the lease ends unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>
    /// The id of the push subscription (Microsoft Graph change notifications) that tells of new mail in the listener's
    /// folder; none while the listener only polls.
    /// </summary>
    public string? PushSubscriptionId { get; set; }

    /// <summary>The subscription's client state, protected by Data Protection: the secret every notification must carry.</summary>
    public string? ProtectedPushClientState { get; set; }

    /// <summary>
    /// What the push subscription was made for, as its source describes it (for Graph: the notification URL and the
    /// folder): a subscription whose target is no longer the wanted one (Credo:PublicUrl changed) is replaced.
    /// </summary>
    public string? PushTarget { get; set; }

    /// <summary>When the push subscription ends unless renewed.</summary>
    public DateTimeOffset? PushExpiresAt { get; set; }

    /// <summary>The server asked for the subscription to be reauthorized; the next poll does so.</summary>
    public bool PushReauthorize { get; set; }

    /// <summary>Why the listener could not subscribe to push (it polls meanwhile); none when push works or is off.</summary>
    public string? PushError { get; set; }
}
