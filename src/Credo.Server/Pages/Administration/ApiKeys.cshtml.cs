using Credo.Core.ApiKeys;
using Credo.Core.Users;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration;

public sealed class ApiKeysModel(ApiKeyService keys) : PageModel
{
    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    [BindProperty]
    public string? KeyName { get; set; }

    [BindProperty]
    public UserRole Role { get; set; }

    public string? NewKey { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Keys = await keys.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(KeyName) || KeyName.Trim().Length > 100)
        {
            Error = "Enter a name of 1 to 100 characters that says what the key is for.";
        }
        else
        {
            (_, NewKey) = await keys.CreateAsync(KeyName, Role, User.Actor(), cancellationToken);
            KeyName = null;
        }

        Keys = await keys.ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await keys.RevokeAsync(id, User.Actor(), cancellationToken);
        return RedirectToPage();
    }
}
