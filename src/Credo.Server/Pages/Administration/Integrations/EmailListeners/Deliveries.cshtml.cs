using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Webhooks;
using Credo.Server.Security;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class DeliveriesModel(ListenerService listeners, DeliveryService deliveries, MessageService messages, TimeProvider time) : PageModel
{
    private IReadOnlyDictionary<Guid, string> _subjects = new Dictionary<Guid, string>();

    [FromRoute]
    public Guid Id { get; set; }

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    public EmailListener Listener { get; private set; } = null!;

    public IReadOnlyList<WebhookDelivery> Deliveries { get; private set; } = [];

    /// <summary>Only deliveries in this state (<c>?state=Failed</c>); all when null.</summary>
    [FromQuery]
    public DeliveryStatus? State { get; set; }

    /// <summary>The listener's deliveries by state, for the filter and "Resend all failed".</summary>
    public DeliveryCounts Counts { get; private set; } = DeliveryCounts.None;

    /// <summary>The subject of the delivery's mail, as text from outside (<see cref="ConsoleHtml.Outside"/>).</summary>
    public IHtmlContent Subject(Guid messageId) =>
        _subjects.TryGetValue(messageId, out var subject) ? ConsoleHtml.Outside(subject, "(no subject)") : new HtmlString("(mail removed)");

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Listener = listener;
        State = State is { } state && Enum.IsDefined(state) ? state : null; // ?state=7 shows all
        Deliveries = await deliveries.ListAsync(Id, State, 200, cancellationToken);
        Counts = (await deliveries.CountsAsync([Id], cancellationToken)).GetValueOrDefault(Id, DeliveryCounts.None);
        _subjects = await messages.SubjectsAsync([.. Deliveries.Select(d => d.MessageId)], cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        var resent = await deliveries.ResendAsync(deliveryId, User.Actor(), cancellationToken);
        Notice.Set(TempData, resent ? "Resend queued: the delivery is sent again within a second or two." : "That delivery no longer exists.");
        return Redirect($"/Administration/Integrations/EmailListeners/{Id}/Deliveries");
    }

    public async Task<IActionResult> OnPostResendFailedAsync(CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        var queued = await deliveries.ResendFailedAsync(Id, User.Actor(), cancellationToken);
        Notice.Set(TempData, queued == 0 ? "There are no failed deliveries to resend." : $"Resend queued for {queued} failed deliveries: they are sent again within a second or two.");
        return Redirect($"/Administration/Integrations/EmailListeners/{Id}/Deliveries");
    }
}
