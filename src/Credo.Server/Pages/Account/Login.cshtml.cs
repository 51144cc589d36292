using Credo.Core.Users;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Account;

internal sealed class LoginModel(UserService users, TimeProvider time) : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = "Enter your user name and password.";
            return Page();
        }

        var result = await users.SignInAsync(UserName, Password, cancellationToken);
        if (result.LockedOut)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - time.GetUtcNow()).TotalMinutes));
            Error = $"Too many failed sign-ins. Try again in {minutes} minute(s), or ask an administrator to run 'credo users reset-password'.";
            return Page();
        }

        if (!result.Succeeded)
        {
            Error = "The user name or password is not right.";
            return Page();
        }

        await HttpContext.SignInAsync(CredoPolicies.CookieScheme, SecurityStampValidator.PrincipalFor(result.User!));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/Administration/GlobalSettings/Credentials");
    }
}
