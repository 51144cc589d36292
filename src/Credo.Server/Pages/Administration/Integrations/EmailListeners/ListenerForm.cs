using Credo.Core.Listeners;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

/// <summary>The values of the listener form; the webhook secret is write-only.</summary>
public sealed class ListenerForm
{
    public string? Name { get; set; }

    public bool Enabled { get; set; } = true;

    public string? EwsUrl { get; set; } = ListenerRules.DefaultEwsUrl;

    public string? Mailbox { get; set; }

    public string? Folder { get; set; } = "Inbox";

    public Guid? CredentialId { get; set; }

    public int PollIntervalSeconds { get; set; } = 30;

    public bool UnreadOnly { get; set; } = true;

    public string? FromContains { get; set; }

    public string? SubjectContains { get; set; }

    public bool OnlyWithAttachments { get; set; }

    public AfterProcessing AfterProcessing { get; set; } = AfterProcessing.MarkRead;

    public string? MoveToFolder { get; set; }

    public bool IncludeAttachments { get; set; } = true;

    public string? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    public ListenerInput ToInput() => new()
    {
        Name = Name, Enabled = Enabled, EwsUrl = EwsUrl, Mailbox = Mailbox, Folder = Folder, CredentialId = CredentialId,
        PollIntervalSeconds = PollIntervalSeconds, UnreadOnly = UnreadOnly, FromContains = FromContains, SubjectContains = SubjectContains,
        OnlyWithAttachments = OnlyWithAttachments, AfterProcessing = AfterProcessing, MoveToFolder = MoveToFolder,
        IncludeAttachments = IncludeAttachments, WebhookUrl = WebhookUrl, WebhookSecret = WebhookSecret,
    };

    public static ListenerForm From(EmailListener l) => new()
    {
        Name = l.Name, Enabled = l.Enabled, EwsUrl = l.EwsUrl, Mailbox = l.Mailbox, Folder = l.Folder, CredentialId = l.CredentialId,
        PollIntervalSeconds = l.PollIntervalSeconds, UnreadOnly = l.UnreadOnly, FromContains = l.FromContains, SubjectContains = l.SubjectContains,
        OnlyWithAttachments = l.OnlyWithAttachments, AfterProcessing = l.AfterProcessing, MoveToFolder = l.MoveToFolder,
        IncludeAttachments = l.IncludeAttachments, WebhookUrl = l.WebhookUrl,
    };

    /// <summary>Describes the form without the secret.</summary>
    public override string ToString() => $"{Name} ({Mailbox})";
}
