using System.Security.Claims;
using Credo.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Credo.Server.Security;

/// <summary>
/// Honours a console cookie only while its server-side session goes on: not signed out, within its absolute lifetime,
/// and the user's password (security stamp) unchanged. Looked up on every request, without a cache, so that signing
/// out or resetting a password ends the session at once on every node.
/// </summary>
internal static class SecurityStampValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is not null &&
            Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) &&
            principal.FindFirstValue(CredoPolicies.SecurityStampClaim) is { } stamp &&
            Guid.TryParse(principal.FindFirstValue(CredoPolicies.SessionClaim), out var session) &&
            await context.HttpContext.RequestServices.GetRequiredService<UserService>()
                .IsSessionCurrentAsync(id, stamp, session, context.HttpContext.RequestAborted))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CredoPolicies.CookieScheme);
    }

    public static ClaimsPrincipal PrincipalFor(User user, UserSession session) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Name, user.UserName),
            new Claim(ClaimTypes.Role, user.Role.ToString()),
            new Claim(CredoPolicies.SecurityStampClaim, user.SecurityStamp),
            new Claim(CredoPolicies.SessionClaim, session.Id.ToString()),
        ],
        CredoPolicies.CookieScheme));

    /// <summary>The session and user of a signed-in principal, for signing out.</summary>
    public static (Guid UserId, Guid SessionId)? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) &&
        Guid.TryParse(principal.FindFirstValue(CredoPolicies.SessionClaim), out var session)
            ? (id, session)
            : null;
}
