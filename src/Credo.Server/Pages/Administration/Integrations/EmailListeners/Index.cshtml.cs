using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class IndexModel(ListenerService listeners, CredentialStore credentials, TimeProvider time) : PageModel
{
    private readonly DateTimeOffset _now = time.GetUtcNow();
    private Dictionary<Guid, string> _credentials = [];

    public ListenerStatus StatusOf(EmailListener listener) => ListenerHealth.Of(listener, _now);

    public IReadOnlyList<EmailListener> Listeners { get; private set; } = [];

    public string CredentialName(Guid id) => _credentials.GetValueOrDefault(id, "(deleted)");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Listeners = await listeners.ListAsync(cancellationToken);
        _credentials = (await credentials.ListAsync(cancellationToken)).ToDictionary(c => c.Id, c => c.Name);
    }

    public async Task<IActionResult> OnPostPollNowAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        await listeners.PollNowAsync(id, User.Actor(), cancellationToken);
        return RedirectToPage();
    }
}
