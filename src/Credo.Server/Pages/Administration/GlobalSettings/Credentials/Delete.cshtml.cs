using Credo.Core;
using Credo.Core.Credentials;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

public sealed class DeleteModel(CredentialStore credentials) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    public string Name { get; private set; } = "";

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await credentials.GetAsync(Id, cancellationToken) is not { } credential)
        {
            return NotFound();
        }

        Name = credential.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var change = await credentials.DeleteAsync(Id, User.Actor(), cancellationToken);
        switch (change.Status)
        {
            case ChangeStatus.Done:
                Notice.Set(TempData, $"Deleted “{change.Value!.Name}”.");
                return Redirect("/Administration/GlobalSettings/Credentials");
            case ChangeStatus.NotFound:
                return NotFound();
            default:
                Name = change.Value?.Name ?? "";
                Message = change.Message;
                return Page();
        }
    }
}
