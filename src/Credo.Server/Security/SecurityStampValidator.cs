using System.Security.Claims;
using Credo.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Credo.Server.Security;

/// <summary>Ends a console session when its user is gone or changed password (the security stamp moved on).</summary>
internal static class SecurityStampValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is null ||
            !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ||
            principal.FindFirstValue(CredoPolicies.SecurityStampClaim) is not { } stamp ||
            await context.HttpContext.RequestServices.GetRequiredService<UserService>().FindCurrentAsync(id, stamp, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CredoPolicies.CookieScheme);
        }
    }

    public static ClaimsPrincipal PrincipalFor(User user) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Name, user.UserName),
            new Claim(ClaimTypes.Role, user.Role.ToString()),
            new Claim(CredoPolicies.SecurityStampClaim, user.SecurityStamp),
        ],
        CredoPolicies.CookieScheme));
}
