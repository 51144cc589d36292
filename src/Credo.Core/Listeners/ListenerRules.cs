using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Credo.Core.Text;
using Credo.Core.Webhooks;
using Credo.Net.Outbound;
using Credo.Net.Text;

namespace Credo.Core.Listeners;

/// <summary>The rules for a listener's values (README, "Email Listeners"), with messages that say how to fix each value.</summary>
public static class ListenerRules
{
    /// <summary>Shortest poll interval.</summary>
    public const int MinPollIntervalSeconds = 5;

    /// <summary>The poll interval when none is given.</summary>
    public const int DefaultPollIntervalSeconds = 30;

    /// <summary>The poll interval when none is given and the listener pushes (Graph change notifications): only a safety net.</summary>
    public const int PushedPollIntervalSeconds = 900;

    /// <summary>Largest message whose attachments a webhook carries.</summary>
    public const long MaxMessageBytes = 25L * 1024 * 1024;

    /// <summary>Longest filter text (from contains, subject contains).</summary>
    public const int MaxFilterLength = 256;

    /// <summary>Longest folder path.</summary>
    public const int MaxPathLength = 1024;

    /// <summary>The folder of a protocol without folders.</summary>
    public const string InboxFolder = "Inbox";

    /// <summary>Longest URL (EWS, Graph, webhook).</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Most days a retention period may name (a hundred years); 0 means keep forever.</summary>
    public const int MaxRetentionDays = 36500;

    /// <summary>Checks <paramref name="input"/>; the result maps field names to messages.</summary>
    public static Dictionary<string, string> Check(ListenerInput input, bool allowHttp)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CredentialRules.CheckName(input.Name) is { } name)
        {
            errors[nameof(input.Name)] = name.Replace("credential", "listener", StringComparison.Ordinal);
        }
        else if (input.Name!.Any(DisplayText.IsBidiControl))
        {
            errors[nameof(input.Name)] = "The name contains an invisible text-direction character (such as U+202E); remove it.";
        }

        var protocol = MailProtocols.Find(input.Protocol);
        if (protocol is null)
        {
            errors[nameof(input.Protocol)] = $"Choose the protocol: {MailProtocols.Names}.";
        }
        else
        {
            ProtocolSettingRules.Check(input.Settings.For(protocol), allowHttp, errors);
        }

        var mailbox = input.Mailbox?.Trim();
        if (string.IsNullOrEmpty(mailbox) || mailbox.Length > 320 || mailbox.Count(c => c == '@') != 1 || mailbox.StartsWith('@') || mailbox.EndsWith('@') ||
            mailbox.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || DisplayText.IsBidiControl(c)))
        {
            errors[nameof(input.Mailbox)] = "Enter the SMTP address of the mailbox to read (at most 320 characters), for example invoices@contoso.com.";
        }

        if (string.IsNullOrWhiteSpace(input.Folder))
        {
            errors[nameof(input.Folder)] = "Enter a folder: Inbox, another well-known folder, or a path such as Inbox/Invoices.";
        }
        else
        {
            CheckText(errors, nameof(input.Folder), "The folder", input.Folder, MaxPathLength);
        }

        CheckText(errors, nameof(input.FromContains), "The \"from contains\" filter", input.FromContains, MaxFilterLength);
        CheckText(errors, nameof(input.SubjectContains), "The \"subject contains\" filter", input.SubjectContains, MaxFilterLength);
        if (input.AfterProcessing == AfterProcessing.Move)
        {
            CheckText(errors, nameof(input.MoveToFolder), "The folder to move to", input.MoveToFolder, MaxPathLength);
        }

        if (protocol is not null && !protocol.AfterProcessing.Contains(input.AfterProcessing))
        {
            errors[nameof(input.AfterProcessing)] =
                $"{protocol.Label} cannot {(input.AfterProcessing == AfterProcessing.Move ? "move" : "mark")} mail after processing: choose {string.Join(" or ", protocol.AfterProcessing.Select(Label))}.";
        }

        if (protocol is { HasFolders: false } && !string.Equals(input.Folder?.Trim(), InboxFolder, StringComparison.OrdinalIgnoreCase))
        {
            errors[nameof(input.Folder)] = $"{protocol.Name} has one folder: leave the folder {InboxFolder}.";
        }

        if (input.CredentialId is null)
        {
            errors[nameof(input.CredentialId)] = $"Choose the OAuth2 Client Credentials credential the listener uses (for Exchange Online with the scope {ExchangeOnlineScope(protocol?.Resource ?? MicrosoftResource.Exchange)}).";
        }

        if (input.PollIntervalSeconds < MinPollIntervalSeconds)
        {
            errors[nameof(input.PollIntervalSeconds)] = $"Poll at most every {MinPollIntervalSeconds} seconds; Exchange throttles faster polling.";
        }

        if (input.KeepContentDays is < 0 or > MaxRetentionDays)
        {
            errors[nameof(input.KeepContentDays)] =
                $"Keep mail content (days) is a number from 0 (keep it forever) to {MaxRetentionDays}; leave it empty for the server's default (Credo:Retention:MimeDays).";
        }

        if (input.AfterProcessing == AfterProcessing.Move && string.IsNullOrWhiteSpace(input.MoveToFolder))
        {
            errors[nameof(input.MoveToFolder)] = "Enter the folder to move processed mail to, for example Inbox/Processed.";
        }

        if (!string.IsNullOrWhiteSpace(input.WebhookUrl))
        {
            if (input.WebhookUrl.Trim().Length > ListenerRules.MaxUrlLength)
            {
                errors[nameof(input.WebhookUrl)] = $"The webhook URL is longer than {ListenerRules.MaxUrlLength} characters; shorten it.";
            }
            else if (!OutboundAddress.TryParse(input.WebhookUrl, allowHttp, "webhook URL", out _, out var webhook))
            {
                errors[nameof(input.WebhookUrl)] = webhook;
            }

            // An empty secret keeps the stored one, or has Credo generate one (see ListenerService).
            if (!string.IsNullOrEmpty(input.WebhookSecret) && WebhookSignature.Problem(input.WebhookSecret) is { } secret)
            {
                errors[nameof(input.WebhookSecret)] = secret;
            }

            if (!Enum.IsDefined(input.WebhookFormat))
            {
                errors[nameof(input.WebhookFormat)] = "The webhook format is Standard or CloudEvents.";
            }
        }

        return errors;
    }

    // A text field: at most max characters, no control characters (line breaks, U+0001) and no bidirectional controls,
    // which would make what the console shows differ from what is stored.
    private static void CheckText(Dictionary<string, string> errors, string field, string what, string? text, int max)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || errors.ContainsKey(field))
        {
            return;
        }

        if (trimmed.Length > max)
        {
            errors[field] = $"{what} is {trimmed.Length} characters long; shorten it to at most {max}.";
        }
        else if (trimmed.Any(c => char.IsControl(c) || DisplayText.IsBidiControl(c)))
        {
            errors[field] = $"{what} contains a control or text-direction character (a line break, tab or such as U+202E); remove it.";
        }
    }

    /// <summary>The scope a credential needs for <paramref name="resource"/>.</summary>
    public static string ExchangeOnlineScope(MicrosoftResource resource) =>
        resource == MicrosoftResource.Graph ? "https://graph.microsoft.com/.default" : "https://outlook.office365.com/.default";

    /// <summary>How the console names an after-processing action.</summary>
    public static string Label(AfterProcessing action) => action switch
    {
        AfterProcessing.MarkRead => "Mark as read",
        AfterProcessing.Move => "Move to folder",
        AfterProcessing.Delete => "Delete",
        _ => "Leave unchanged",
    };
}
