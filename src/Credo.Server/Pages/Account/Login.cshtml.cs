using Credo.Core.Users;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Account;

internal sealed class LoginModel(UserService users, SignInThrottle throttle) : PageModel
{
    /// <summary>What every failed sign-in answers, whether the user exists or not, and whether it is locked out or not.</summary>
    public const string SignInFailed =
        "The user name or password is not right, or sign-in is paused for this account after repeated failures. " +
        "Try again later, or ask an administrator to run 'credo users reset-password'.";

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

        var address = ClientAddress.Of(HttpContext);
        var throttleKey = ClientAddress.ThrottleKey(address);
        if (throttle.TryBegin(throttleKey) is { } wait)
        {
            // Refused before any password is checked, so these attempts neither guess nor count towards a lockout.
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Error = $"Too many failed sign-ins from your address. Try again in {Minutes(wait)} minute(s).";
            return Page();
        }

        var result = await users.SignInAsync(UserName, Password, address?.ToString(), cancellationToken);
        if (!result.Succeeded)
        {
            // The same words for an unknown user, a wrong password and a locked account, so that none of them tells
            // which user names exist or which accounts someone is guessing at; the audit log tells them apart.
            throttle.Failed(throttleKey);
            Error = SignInFailed;
            return Page();
        }

        throttle.Succeeded(throttleKey);
        await HttpContext.SignInAsync(CredoPolicies.CookieScheme, SecurityStampValidator.PrincipalFor(result.User!, result.Session!));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/Administration/Integrations/EmailListeners");
    }

    private static int Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
}
