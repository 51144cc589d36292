using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class EditModel(ListenerService listeners, CredentialStore credentials) : ListenerFormPage(listeners, credentials)
{
    [FromRoute]
    public Guid Id { get; set; }

    public override Guid? ExistingId => Id;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await Listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Form = ListenerInput.From(listener);
        HasStoredWebhookSecret = listener.ProtectedWebhookSecret is not null;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        HasStoredWebhookSecret = (await Listeners.FindAsync(Id.ToString(), cancellationToken))?.ProtectedWebhookSecret is not null;
        return await SaveAsync(input => Listeners.UpdateAsync(Id, input.Version ?? 0, input, User.Actor(), cancellationToken), cancellationToken);
    }

    // Tests the saved settings, so that a token never goes to a typed, unsaved address; what was typed stays in the form.
    public async Task<IActionResult> OnPostTestAsync([FromServices] ConnectionTest test, CancellationToken cancellationToken)
    {
        if (await Listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        HasStoredWebhookSecret = listener.ProtectedWebhookSecret is not null;
        ConnectionReport = await test.RunAsync(Id, User.Actor(), cancellationToken);
        Form.WebhookSecret = null;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }
}
