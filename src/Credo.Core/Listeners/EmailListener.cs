namespace Credo.Core.Listeners;

/// <summary>
/// An Email Listener: reads a mailbox over EWS as the application with a credential's token, and turns each new mail
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

    /// <summary>The protocol; <c>EWS</c>.</summary>
    public string Protocol { get; set; } = "EWS";

    /// <summary>The EWS endpoint.</summary>
    public string EwsUrl { get; set; } = "";

    /// <summary>SMTP address of the mailbox.</summary>
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

    /// <summary>The webhook signing secret, Data Protection-protected.</summary>
    public string? ProtectedWebhookSecret { get; set; }

    /// <summary>Bumped by every change of settings.</summary>
    public long Version { get; set; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The EWS sync state after the last batch that was durably recorded.</summary>
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

    /// <summary>Failed polls in a row.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>Mails recorded so far.</summary>
    public long MessagesReceived { get; set; }

    /// <summary>The node that holds the lease.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the lease ends unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
