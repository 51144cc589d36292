using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Webhooks;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class IndexModel(ListenerService listeners, DeliveryService deliveryService, CredentialStore credentials, TimeProvider time) : PageModel
{
    private Dictionary<Guid, string> _credentials = [];

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    /// <summary>Each listener with its health, problems first.</summary>
    public IReadOnlyList<(EmailListener Listener, ListenerHealthReport Health, DeliveryCounts Deliveries)> Listeners { get; private set; } = [];

    public IReadOnlyList<(ListenerStatus Status, int Count)> Counts { get; private set; } = [];

    public string CredentialName(Guid id) => _credentials.GetValueOrDefault(id, "(deleted)");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var all = await listeners.ListAsync(cancellationToken);
        var deliveries = await deliveryService.CountsAsync(null, cancellationToken);
        Listeners = [.. all
            .Select(l => (l, ListenerHealth.Describe(l, Now), deliveries.GetValueOrDefault(l.Id, DeliveryCounts.None)))
            .OrderBy(x => ConsoleHtml.Urgency(x.Item2.Status))];
        Counts = [.. Listeners.GroupBy(x => x.Health.Status).OrderBy(g => ConsoleHtml.Urgency(g.Key)).Select(g => (g.Key, g.Count()))];
        _credentials = (await credentials.ListAsync(cancellationToken)).ToDictionary(c => c.Id, c => c.Name);
    }

    public async Task<IActionResult> OnPostPollNowAsync(Guid id, string? returnTo, CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        var found = await listeners.PollNowAsync(id, User.Actor(), cancellationToken);
        Notice.Set(TempData, found ? "Poll requested: the listener polls within a second or two." : "That listener no longer exists.");
        // Back to the overview when asked from there; any other value would be an open redirect.
        return returnTo == "overview" && found ? Redirect($"/Administration/Integrations/EmailListeners/{id}") : RedirectToPage();
    }
}
