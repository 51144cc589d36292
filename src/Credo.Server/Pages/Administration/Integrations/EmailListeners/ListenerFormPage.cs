using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

/// <summary>What the add and edit pages share: the form, the credential choices, field errors.</summary>
public abstract class ListenerFormPage(ListenerService listeners, CredentialService credentials) : PageModel
{
    [BindProperty]
    public ListenerInput Form { get; set; } = new();

    public IReadOnlyList<Credential> Credentials { get; private set; } = [];

    public abstract Guid? ExistingId { get; }

    public bool HasStoredWebhookSecret { get; protected set; }

    protected ListenerService Listeners => listeners;

    public IReadOnlyList<ConnectionStep>? ConnectionReport { get; private set; }

    public async Task<IActionResult> OnPostTestAsync([FromServices] ConnectionTest test, CancellationToken cancellationToken)
    {
        var input = Form;
        if (string.IsNullOrEmpty(input.WebhookSecret) && ExistingId is { } id)
        {
            HasStoredWebhookSecret = (await listeners.FindAsync(id.ToString(), cancellationToken))?.ProtectedWebhookSecret is not null;
        }

        ConnectionReport = await test.RunAsync(input, cancellationToken);
        Form.WebhookSecret = null;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    protected async Task LoadChoicesAsync(CancellationToken cancellationToken) => Credentials = await credentials.ListAsync(cancellationToken);

    protected async Task<IActionResult> SaveAsync(Func<ListenerInput, Task<(EmailListener? Listener, IReadOnlyDictionary<string, string> Errors)>> save, CancellationToken cancellationToken)
    {
        var (listener, errors) = await save(Form);
        if (listener is not null)
        {
            return Redirect("/Administration/Integrations/EmailListeners");
        }

        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError($"{nameof(Form)}.{field}", message);
        }

        Form.WebhookSecret = null;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }
}
