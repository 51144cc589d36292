using Credo.Core.Listeners;
using Credo.Core.Webhooks;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class DeliveriesModel(ListenerService listeners) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    public EmailListener Listener { get; private set; } = null!;

    public IReadOnlyList<WebhookDelivery> Deliveries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Listener = listener;
        Deliveries = await listeners.DeliveriesAsync(Id, 200, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        await listeners.ResendAsync(deliveryId, User.Actor(), cancellationToken);
        return Redirect($"/Administration/Integrations/EmailListeners/{Id}/Deliveries");
    }
}
