using Credo.Core.Users;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Account;

internal sealed class LogoutModel(UserService users) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/Account/Login");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // Ending the session on the server is what makes a copy of the cookie worthless; deleting the cookie alone would not.
        if (User.Identity?.IsAuthenticated == true && SecurityStampValidator.SessionOf(User) is var (userId, sessionId))
        {
            await users.SignOutAsync(userId, sessionId, ClientAddress.Of(HttpContext)?.ToString(), cancellationToken);
        }

        await HttpContext.SignOutAsync(CredoPolicies.CookieScheme);
        return LocalRedirect("/Account/Login");
    }
}
