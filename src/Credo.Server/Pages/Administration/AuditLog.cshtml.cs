using Credo.Core.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration;

/// <summary>The audit log, newest first, a page at a time, filtered by who, action, kind of item and text.</summary>
public sealed class AuditLogModel(AuditLog audit, TimeProvider time) : PageModel
{
    /// <summary>Entries on a page.</summary>
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true, Name = "who")]
    public string? Who { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true, Name = "item")]
    public string? Item { get; set; }

    [BindProperty(SupportsGet = true, Name = "text")]
    public string? Text { get; set; }

    [BindProperty(SupportsGet = true, Name = "before")]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true, Name = "take")]
    public int Take { get; set; } = PageSize;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public (IReadOnlyList<string> Actors, IReadOnlyList<string> Actions, IReadOnlyList<string> EntityTypes) Choices { get; private set; } = ([], [], []);

    public DateTimeOffset Now { get; private set; }

    /// <summary>The link to the next (older) page, or null on the last page.</summary>
    public string? OlderLink { get; private set; }

    /// <summary>The link to the newest page with the same filters.</summary>
    public string NewestLink => Link(before: null);

    public bool Filtered => !string.IsNullOrWhiteSpace(Who) || !string.IsNullOrWhiteSpace(Action) || !string.IsNullOrWhiteSpace(Item) || !string.IsNullOrWhiteSpace(Text);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Take = Math.Clamp(Take, 1, 500);
        Choices = await audit.ChoicesAsync(cancellationToken);
        Entries = await audit.ListAsync(new AuditQuery { Actor = Who, Action = Action, EntityType = Item, Text = Text, Before = Before, Take = Take }, cancellationToken);
        OlderLink = Entries.Count == Take ? Link(before: Entries[^1].Id) : null;
    }

    // This page's filters (and size), starting before an entry or at the newest.
    private string Link(long? before)
    {
        var query = new Dictionary<string, string?>
        {
            ["who"] = Who, ["action"] = Action, ["item"] = Item, ["text"] = Text, ["before"] = before?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["take"] = Take == PageSize ? null : $"{Take}",
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/Administration/AuditLog", query.Where(q => !string.IsNullOrWhiteSpace(q.Value)));
    }
}
