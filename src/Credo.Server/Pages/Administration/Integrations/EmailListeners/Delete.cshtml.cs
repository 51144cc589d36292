using Credo.Core;
using Credo.Core.Listeners;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class DeleteModel(ListenerService listeners) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(Id.ToString(), cancellationToken) is not { } listener)
        {
            return NotFound();
        }

        Name = listener.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = (await listeners.FindAsync(Id.ToString(), cancellationToken))?.Name;
        if (name is null || (await listeners.DeleteAsync(Id, User.Actor(), cancellationToken)).Status != ChangeStatus.Done)
        {
            return NotFound();
        }

        Notice.Set(TempData, $"Deleted “{name}” with its recorded mails and deliveries.");
        return Redirect("/Administration/Integrations/EmailListeners");
    }
}
