using System.Text.Json;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Retention;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class MessagesModel(ListenerService listeners, MessageService messages, IOptionsMonitor<RetentionOptions> retention, TimeProvider time) : PageModel
{
    public DateTimeOffset Now { get; } = time.GetUtcNow();

    [FromRoute]
    public Guid Id { get; set; }

    public EmailListener Listener { get; private set; } = null!;

    public IReadOnlyList<ReceivedMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Listener = listener;
        Messages = await messages.ListAsync(Id, 200, cancellationToken);
        return Page();
    }

    /// <summary>Why a message has no .eml any more.</summary>
    public string Expired(ReceivedMessage message) => ContentExpiry.Describe(message, Listener, retention.CurrentValue);

    /// <summary>The names of the mail's attachments, each as text from outside (<see cref="ConsoleHtml.Outside"/>), by commas.</summary>
    public static IHtmlContent AttachmentNames(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var document = JsonDocument.Parse(message.Attachments);
        var names = new HtmlContentBuilder();
        foreach (var attachment in document.RootElement.EnumerateArray())
        {
            if (names.Count > 0)
            {
                names.Append(", ");
            }

            names.AppendHtml(ConsoleHtml.Outside(attachment.GetProperty("name").GetString(), "(unnamed)"));
        }

        return names;
    }
}
