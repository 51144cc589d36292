using Credo.Core.Listeners.Sources;
using Credo.Core.Webhooks;

namespace Credo.Core.Listeners;

/// <summary>
/// Values typed for a listener. On update, an empty <see cref="WebhookSecret"/> keeps the stored one, and
/// <see cref="Version"/> is the version that was read (a listener changed since is not overwritten).
/// </summary>
public sealed class ListenerInput
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Enabled.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Protocol: the name of one of <see cref="MailProtocols.All"/> (any case); default EWS.</summary>
    public string Protocol { get; set; } = MailProtocols.Default.Name;

    /// <summary>The protocols' settings by protocol and key; the chosen protocol's are used, the others kept.</summary>
    public ListenerSettings Settings { get; set; } = new();

    /// <summary>Mailbox.</summary>
    public string? Mailbox { get; set; }

    /// <summary>Folder.</summary>
    public string? Folder { get; set; } = "Inbox";

    /// <summary>Credential.</summary>
    public Guid? CredentialId { get; set; }

    /// <summary>
    /// Poll interval in seconds; none for the default: <see cref="ListenerRules.DefaultPollIntervalSeconds"/>, or
    /// <see cref="ListenerRules.PushedPollIntervalSeconds"/> (a safety net) for a listener that pushes.
    /// </summary>
    public int? PollIntervalSeconds { get; set; }

    /// <summary>Unread only.</summary>
    public bool UnreadOnly { get; set; } = true;

    /// <summary>From contains.</summary>
    public string? FromContains { get; set; }

    /// <summary>Subject contains.</summary>
    public string? SubjectContains { get; set; }

    /// <summary>Has attachments.</summary>
    public bool OnlyWithAttachments { get; set; }

    /// <summary>After processing.</summary>
    public AfterProcessing AfterProcessing { get; set; } = AfterProcessing.MarkRead;

    /// <summary>Move to folder.</summary>
    public string? MoveToFolder { get; set; }

    /// <summary>Attachments included.</summary>
    public bool IncludeAttachments { get; set; } = true;

    /// <summary>Webhook URL.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Days the mail content (MIME) is kept: empty for the server's default (<c>Credo:Retention:MimeDays</c>), 0 for ever.</summary>
    public int? KeepContentDays { get; set; }

    /// <summary>Webhook signing secret (write-only): <c>whsec_</c> + base64; empty generates one when there is none yet.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The shape of the webhook body.</summary>
    public WebhookFormat WebhookFormat { get; set; }

    /// <summary>On update: the version of the listener these values were based on.</summary>
    public long? Version { get; set; }

    /// <summary>The stored values of <paramref name="listener"/>, with an empty webhook secret (meaning: keep it).</summary>
    public static ListenerInput From(EmailListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return new ListenerInput
        {
            Name = listener.Name, Enabled = listener.Enabled, Protocol = listener.Protocol,
            Settings = listener.Settings.Copy(), Mailbox = listener.Mailbox, Folder = listener.Folder,
            CredentialId = listener.CredentialId, PollIntervalSeconds = listener.PollIntervalSeconds, UnreadOnly = listener.UnreadOnly,
            FromContains = listener.FromContains, SubjectContains = listener.SubjectContains, OnlyWithAttachments = listener.OnlyWithAttachments,
            AfterProcessing = listener.AfterProcessing, MoveToFolder = listener.MoveToFolder, IncludeAttachments = listener.IncludeAttachments,
            WebhookUrl = listener.WebhookUrl, WebhookFormat = listener.WebhookFormat, KeepContentDays = listener.KeepContentDays, Version = listener.Version,
        };
    }

    /// <summary>Describes the input without the secret.</summary>
    public override string ToString() => $"{Name} ({Mailbox})";
}
