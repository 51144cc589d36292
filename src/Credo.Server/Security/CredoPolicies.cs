using System.Security.Claims;
using Credo.Core.Users;

namespace Credo.Server.Security;

/// <summary>The authorization policies and claims of the console and the API.</summary>
internal static class CredoPolicies
{
    /// <summary>Any signed-in user or API key: read-only access.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Administrators: everything.</summary>
    public const string Administrator = "Administrator";

    /// <summary>The cookie scheme of the console.</summary>
    public const string CookieScheme = "Credo.Console";

    /// <summary>The API key scheme of <c>/api/v1</c>.</summary>
    public const string ApiKeyScheme = "Credo.ApiKey";

    /// <summary>The claim that ends a session when the password changes.</summary>
    public const string SecurityStampClaim = "credo:stamp";

    /// <summary>The claim that names the server-side session, which sign-out and the absolute lifetime end.</summary>
    public const string SessionClaim = "credo:session";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().RequireRole(nameof(UserRole.Viewer), nameof(UserRole.Administrator)));
        options.AddPolicy(Administrator, p => p.RequireAuthenticatedUser().RequireRole(nameof(UserRole.Administrator)));
    }

    /// <summary>Who did it, for the audit log: the user name, or <c>api-key:NAME</c>.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    public static bool IsAdministrator(this ClaimsPrincipal user) => user.IsInRole(nameof(UserRole.Administrator));
}
