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
    /// <summary>How many messages a page shows.</summary>
    public const int PageSize = 100;

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    [FromRoute]
    public Guid Id { get; set; }

    public EmailListener Listener { get; private set; } = null!;

    public IReadOnlyList<ReceivedMessage> Messages { get; private set; } = [];

    /// <summary>Subject or sender contains (<c>?q=</c>).</summary>
    [FromQuery(Name = "q")]
    public string? Search { get; set; }

    /// <summary>Recorded on or after this day (UTC).</summary>
    [FromQuery]
    public DateOnly? From { get; set; }

    /// <summary>Recorded on or before this day (UTC).</summary>
    [FromQuery]
    public DateOnly? To { get; set; }

    /// <summary>The cursor: the page starts after this message.</summary>
    [FromQuery]
    public Guid? Before { get; set; }

    /// <summary>A page that starts at this message (the link from its delivery).</summary>
    [FromQuery]
    public Guid? At { get; set; }

    /// <summary>The message shown opened; while one is open the page does not reload itself.</summary>
    [FromQuery]
    public Guid? Open { get; set; }

    /// <summary>The cursor of the next, older page.</summary>
    public Guid? Next { get; private set; }

    /// <summary>The page's cursor named a mail that retention has removed meanwhile.</summary>
    public bool CursorGone { get; private set; }

    public bool Filtered => !string.IsNullOrWhiteSpace(Search) || From is not null || To is not null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Listener = listener;
        var page = await messages.PageAsync(Id, new MessageQuery
        {
            Search = Search,
            RecordedFrom = From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            RecordedBefore = To is { } to && to < DateOnly.MaxValue ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            Before = Before,
            At = At,
            Take = PageSize,
        }, cancellationToken);
        (Messages, Next, CursorGone) = (page.Messages, page.Next, page.CursorGone);
        return Page();
    }

    /// <summary>This page with another message opened (or none): the same search and the same page.</summary>
    public string Link(Guid? open) => Link(Before, At, open);

    /// <summary>The page after <paramref name="before"/> (null: the newest), with the same search.</summary>
    public string PageLink(Guid? before) => Link(before, at: null, open: null);

    private string Link(Guid? before, Guid? at, Guid? open)
    {
        var query = new Dictionary<string, string?>
        {
            ["q"] = Search?.Trim(),
            ["from"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["before"] = before?.ToString(),
            ["at"] = at?.ToString(),
            ["open"] = open?.ToString(),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(
            $"/Administration/Integrations/EmailListeners/{Id}/Messages", query.Where(q => !string.IsNullOrEmpty(q.Value))) + (open is { } id ? $"#m-{id}" : "");
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
