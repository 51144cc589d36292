using Credo.Core.Credentials;
using Credo.OAuth.Outbound;

namespace Credo.Core.Listeners;

/// <summary>The rules for a listener's values (README, "Email Listeners"), with messages that say how to fix each value.</summary>
public static class ListenerRules
{
    /// <summary>Shortest poll interval.</summary>
    public const int MinPollIntervalSeconds = 5;

    /// <summary>Largest message whose attachments a webhook carries.</summary>
    public const long MaxMessageBytes = 25L * 1024 * 1024;

    /// <summary>Checks <paramref name="input"/>; the result maps field names to messages.</summary>
    public static Dictionary<string, string> Check(ListenerInput input, bool allowHttp, bool secretStored)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CredentialRules.CheckName(input.Name) is { } name)
        {
            errors[nameof(input.Name)] = name.Replace("credential", "listener", StringComparison.Ordinal);
        }

        switch (input.Protocol)
        {
            case MailProtocol.EWS:
                input.Ews.Check(allowHttp, errors);
                break;
            case MailProtocol.Graph:
                input.Graph.Check(allowHttp, errors);
                break;
            case MailProtocol.IMAP:
                input.Imap.Check(allowHttp, errors);
                break;
            default:
                errors[nameof(input.Protocol)] = "Choose the protocol: EWS, Graph or IMAP.";
                break;
        }

        var mailbox = input.Mailbox?.Trim();
        if (string.IsNullOrEmpty(mailbox) || mailbox.Length > 320 || mailbox.Count(c => c == '@') != 1 || mailbox.StartsWith('@') || mailbox.EndsWith('@') ||
            mailbox.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors[nameof(input.Mailbox)] = "Enter the SMTP address of the mailbox to read (at most 320 characters), for example invoices@contoso.com.";
        }

        if (string.IsNullOrWhiteSpace(input.Folder))
        {
            errors[nameof(input.Folder)] = "Enter a folder: Inbox, another well-known folder, or a path such as Inbox/Invoices.";
        }

        if (input.CredentialId is null)
        {
            errors[nameof(input.CredentialId)] = $"Choose the OAuth2 Client Credentials credential the listener uses (for Exchange Online with the scope {ExchangeOnlineScope(input.Protocol)}).";
        }

        if (input.PollIntervalSeconds < MinPollIntervalSeconds)
        {
            errors[nameof(input.PollIntervalSeconds)] = $"Poll at most every {MinPollIntervalSeconds} seconds; Exchange throttles faster polling.";
        }

        if (input.AfterProcessing == AfterProcessing.Move && string.IsNullOrWhiteSpace(input.MoveToFolder))
        {
            errors[nameof(input.MoveToFolder)] = "Enter the folder to move processed mail to, for example Inbox/Processed.";
        }

        if (!string.IsNullOrWhiteSpace(input.WebhookUrl))
        {
            if (!OutboundAddress.TryParse(input.WebhookUrl, allowHttp, "webhook URL", out _, out var webhook))
            {
                errors[nameof(input.WebhookUrl)] = webhook;
            }
            else if (string.IsNullOrEmpty(input.WebhookSecret) && !secretStored)
            {
                errors[nameof(input.WebhookSecret)] = "Enter a signing secret for the webhook; the receiver uses it to check the Credo-Signature header.";
            }
        }

        return errors;
    }

    /// <summary>The scope a credential needs to read Exchange Online over <paramref name="protocol"/>.</summary>
    public static string ExchangeOnlineScope(MailProtocol protocol) =>
        protocol == MailProtocol.Graph ? "https://graph.microsoft.com/.default" : "https://outlook.office365.com/.default";
}
