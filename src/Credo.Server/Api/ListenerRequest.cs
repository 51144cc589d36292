using System.Text.Json;
using System.Text.Json.Serialization;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Webhooks;

namespace Credo.Server.Api;

/// <summary>
/// The body of create and update: the listener's fields, and its protocol's settings as an object named after the
/// protocol (<c>"imap": {"host": "outlook.office365.com", "port": 993}</c>). Every field may be left out or null (the
/// defaults apply), and what the API answers may be sent back as it is: the properties it adds (id, status, health, ...)
/// are ignored. <c>webhookSecret</c> is write-only; on update <c>version</c> is the version the change is based on.
/// </summary>
internal sealed class ListenerRequest
{
    public string? Name { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>EWS (default), Graph, IMAP, ... (any case).</summary>
    public string? Protocol { get; init; }

    public string? Mailbox { get; init; }

    public string? Folder { get; init; }

    public Guid? CredentialId { get; init; }

    public int? PollIntervalSeconds { get; init; }

    public bool? UnreadOnly { get; init; }

    public string? FromContains { get; init; }

    public string? SubjectContains { get; init; }

    public bool? OnlyWithAttachments { get; init; }

    public AfterProcessing? AfterProcessing { get; init; }

    public string? MoveToFolder { get; init; }

    public bool? IncludeAttachments { get; init; }

    public string? WebhookUrl { get; init; }

    public string? WebhookSecret { get; init; }

    /// <summary>Standard (default) or CloudEvents.</summary>
    public WebhookFormat? WebhookFormat { get; init; }

    public int? KeepContentDays { get; init; }

    public long? Version { get; init; }

    /// <summary>The protocols' settings objects, and whatever else was sent (ignored).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }

    /// <summary>The input, with what cannot be read in <paramref name="errors"/> (keyed as validation errors are).</summary>
    public ListenerInput ToInput(IDictionary<string, string> errors)
    {
        var defaults = new ListenerInput();
        return new ListenerInput
        {
            Name = Name,
            Enabled = Enabled ?? defaults.Enabled,
            Protocol = string.IsNullOrWhiteSpace(Protocol) ? MailProtocols.Default.Name : Protocol,
            Settings = ProtocolSettingsJson.Read(Other, errors),
            Mailbox = Mailbox,
            Folder = Folder ?? defaults.Folder,
            CredentialId = CredentialId,
            PollIntervalSeconds = PollIntervalSeconds ?? defaults.PollIntervalSeconds,
            UnreadOnly = UnreadOnly ?? defaults.UnreadOnly,
            FromContains = FromContains,
            SubjectContains = SubjectContains,
            OnlyWithAttachments = OnlyWithAttachments ?? defaults.OnlyWithAttachments,
            AfterProcessing = AfterProcessing ?? defaults.AfterProcessing,
            MoveToFolder = MoveToFolder,
            IncludeAttachments = IncludeAttachments ?? defaults.IncludeAttachments,
            WebhookUrl = WebhookUrl,
            WebhookSecret = WebhookSecret,
            WebhookFormat = WebhookFormat ?? defaults.WebhookFormat,
            KeepContentDays = KeepContentDays,
            Version = Version,
        };
    }
}
