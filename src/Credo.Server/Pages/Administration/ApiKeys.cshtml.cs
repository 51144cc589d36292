using Credo.Core.ApiKeys;
using Credo.Core.Users;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration;

public sealed class ApiKeysModel(ApiKeyService keys, TimeProvider time) : PageModel
{
    private const string NewKeyKey = "NewApiKey";

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    [BindProperty]
    public string? KeyName { get; set; }

    [BindProperty]
    public UserRole Role { get; set; }

    /// <summary>The key just created, shown once: it travels to the page after the redirect in TempData, which is read once.</summary>
    public string? NewKey { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        NewKey = TempData[NewKeyKey] as string;
        Keys = await keys.ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(KeyName) || KeyName.Trim().Length > 100)
        {
            Error = "Enter a name of 1 to 100 characters that says what the key is for.";
        }
        else
        {
            // Post/redirect/get: reloading the page that shows the key must not create a second one.
            (_, var created) = await keys.CreateAsync(KeyName, Role, User.Actor(), cancellationToken);
            TempData[NewKeyKey] = created;
            Notice.Set(TempData, $"API key “{KeyName.Trim()}” created.");
            return RedirectToPage();
        }

        Keys = await keys.ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await keys.RevokeAsync(id, User.Actor(), cancellationToken);
        Notice.Set(TempData, "API key revoked: it no longer works.");
        return RedirectToPage();
    }
}
