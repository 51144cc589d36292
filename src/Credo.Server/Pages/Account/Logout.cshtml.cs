using Credo.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Account;

internal sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/Account/Login");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CredoPolicies.CookieScheme);
        return LocalRedirect("/Account/Login");
    }
}
