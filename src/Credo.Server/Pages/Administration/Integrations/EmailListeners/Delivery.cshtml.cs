using Credo.Core.Listeners;
using Credo.Core.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

/// <summary>One webhook delivery: each attempt (time, status, answer, duration), the headers and the body it is sent with.</summary>
public sealed class DeliveryModel(ListenerService listeners, DeliveryService deliveries, TimeProvider time) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    [FromRoute]
    public Guid DeliveryId { get; set; }

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    public EmailListener Listener { get; private set; } = null!;

    public WebhookDelivery Delivery { get; private set; } = null!;

    public IReadOnlyList<DeliveryAttempt> Attempts { get; private set; } = [];

    /// <summary>The content type the body is sent with, as the listener's format says now.</summary>
    public string ContentType { get; private set; } = "";

    /// <summary>The body as sent, indented for reading, attachment contents left out.</summary>
    public string Body { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener
            || await deliveries.FindAsync(DeliveryId, cancellationToken) is not { } delivery || delivery.ListenerId != Id)
        {
            return NotFound();
        }

        (Listener, Delivery) = (listener, delivery);
        Attempts = await deliveries.AttemptsAsync(DeliveryId, cancellationToken);
        var (body, mediaType) = WebhookPayload.Shape(delivery, listener.WebhookFormat);
        ContentType = mediaType;
        Body = WebhookPayload.Readable(body);
        Response.Headers.CacheControl = "no-store"; // mail content
        return Page();
    }
}
