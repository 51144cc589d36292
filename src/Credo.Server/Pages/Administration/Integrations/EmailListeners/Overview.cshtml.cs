using System.Text.Json;
using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Webhooks;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

/// <summary>One listener at a glance: status and why, counters, recent mails and deliveries, and what can be done about it.</summary>
public sealed class OverviewModel(ListenerService listeners, MessageService messages, DeliveryService deliveries, CredentialStore credentials, TimeProvider time) : PageModel
{
    private const string ReportKey = "ConnectionReport";

    /// <summary>Where the add and edit pages leave a signing secret Credo generated, for this page to show once.</summary>
    public const string NewWebhookSecretKey = "NewWebhookSecret";

    [FromRoute]
    public Guid Id { get; set; }

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    public EmailListener Listener { get; private set; } = null!;

    public ListenerHealthReport Health { get; private set; } = null!;

    public DeliveryCounts Deliveries { get; private set; } = DeliveryCounts.None;

    public string CredentialName { get; private set; } = "";

    public IReadOnlyList<ReceivedMessage> RecentMessages { get; private set; } = [];

    public IReadOnlyList<WebhookDelivery> RecentDeliveries { get; private set; } = [];

    public IReadOnlyList<ConnectionStep>? ConnectionReport { get; private set; }

    /// <summary>The signing secret Credo just generated, shown once: it travels here in TempData, which is read once.</summary>
    public string? NewWebhookSecret { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Listener = listener;
        Health = ListenerHealth.Describe(listener, Now);
        Deliveries = (await deliveries.CountsAsync([Id], cancellationToken)).GetValueOrDefault(Id, DeliveryCounts.None);
        CredentialName = (await credentials.ListAsync(cancellationToken)).FirstOrDefault(c => c.Id == listener.CredentialId)?.Name ?? "(deleted)";
        RecentMessages = await messages.ListAsync(Id, 5, cancellationToken);
        RecentDeliveries = await deliveries.ListAsync(Id, 5, cancellationToken);
        ConnectionReport = TempData[ReportKey] is string json ? JsonSerializer.Deserialize<List<ConnectionStep>>(json) : null;
        NewWebhookSecret = TempData[NewWebhookSecretKey] as string;
        if (NewWebhookSecret is not null)
        {
            Response.Headers.CacheControl = "no-store"; // Back must not show the secret again
        }

        return Page();
    }

    // Tests the saved settings, then redirects: the report survives one page view in TempData, so a reload never tests again.
    public async Task<IActionResult> OnPostTestAsync([FromServices] ConnectionTest test, CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        if (await test.RunAsync(Id, User.Actor(), cancellationToken) is not { } report)
        {
            return NotFound();
        }

        TempData[ReportKey] = JsonSerializer.Serialize(report);
        return Redirect($"/Administration/Integrations/EmailListeners/{Id}");
    }

    public async Task<IActionResult> OnPostEnabledAsync(bool enabled, CancellationToken cancellationToken)
    {
        if (!User.IsAdministrator())
        {
            return Forbid();
        }

        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        var input = ListenerInput.From(listener);
        input.Enabled = enabled;
        var change = await listeners.UpdateAsync(Id, listener.Version, input, User.Actor(), cancellationToken);
        Notice.Set(TempData, change.Status == ChangeStatus.Done
            ? enabled ? $"Enabled “{listener.Name}”: it polls again." : $"Disabled “{listener.Name}”: it is not polled until enabled."
            : change.Message ?? string.Join(" ", change.Errors.Values));
        return Redirect($"/Administration/Integrations/EmailListeners/{Id}");
    }
}
