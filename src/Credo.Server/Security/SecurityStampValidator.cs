using System.Security.Claims;
using Credo.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace Credo.Server.Security;

/// <summary>
/// Ends a console session when its user is gone or changed password (the security stamp moved on). A stamp found
/// current is trusted for <see cref="Recheck"/>, so a busy console does not query the database on every request.
/// </summary>
internal static class SecurityStampValidator
{
    /// <summary>How long a checked stamp is trusted: a reset password ends other sessions within this time.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is not null &&
            Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) &&
            principal.FindFirstValue(CredoPolicies.SecurityStampClaim) is { } stamp &&
            await IsCurrentAsync(context.HttpContext, id, stamp))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CredoPolicies.CookieScheme);
    }

    private static async Task<bool> IsCurrentAsync(HttpContext http, Guid id, string stamp)
    {
        var cache = http.RequestServices.GetRequiredService<IMemoryCache>();
        var key = ("credo:stamp", id, stamp);
        if (cache.TryGetValue(key, out _))
        {
            return true;
        }

        var current = await http.RequestServices.GetRequiredService<UserService>().FindCurrentAsync(id, stamp, http.RequestAborted) is not null;
        if (current)
        {
            cache.Set(key, true, Recheck);
        }

        return current;
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
