using System.Text.Json;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Retention;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class MessagesModel(ListenerService listeners, IOptionsMonitor<RetentionOptions> retention) : PageModel
{
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
        Messages = await listeners.MessagesAsync(Id, 200, cancellationToken);
        return Page();
    }

    /// <summary>Why a message has no .eml any more.</summary>
    public string Expired(ReceivedMessage message) => ContentExpiry.Describe(message, Listener, retention.CurrentValue);

    public static string AttachmentNames(ReceivedMessage message)
    {
        using var document = JsonDocument.Parse(message.Attachments);
        var names = document.RootElement.EnumerateArray().Select(a => a.GetProperty("name").GetString() ?? "(unnamed)").ToList();
        return names.Count == 0 ? "" : string.Join(", ", names);
    }
}
