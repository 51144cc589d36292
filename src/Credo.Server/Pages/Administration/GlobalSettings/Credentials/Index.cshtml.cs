using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

public sealed class IndexModel(CredentialStore credentials, ListenerService listeners, TimeProvider time) : PageModel
{
    /// <summary>The time, for expiry wording.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    public const int PageSize = 50;

    public IReadOnlyList<Credential> Credentials { get; private set; } = [];

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public int Total { get; private set; }

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public ILookup<Guid, string> UsedBy { get; private set; } = Array.Empty<string>().ToLookup(_ => Guid.Empty);

    /// <summary>The listeners using each credential, with their status, so that a credential's trouble shows where it is used.</summary>
    public ILookup<Guid, (EmailListener Listener, ListenerStatus Status)> UsedByListeners { get; private set; } =
        Array.Empty<(EmailListener, ListenerStatus)>().ToLookup(_ => Guid.Empty);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        (Credentials, Total) = await credentials.PageAsync((PageNumber - 1) * PageSize, PageSize, cancellationToken);
        UsedBy = await listeners.UsingCredentialsAsync([.. Credentials.Select(c => c.Id)], cancellationToken);
        var now = time.GetUtcNow();
        UsedByListeners = (await listeners.ListAsync(cancellationToken)).ToLookup(l => l.CredentialId, l => (l, ListenerHealth.Of(l, now)));
    }
}
