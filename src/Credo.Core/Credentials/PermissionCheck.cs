using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>
/// What a token's application roles leave out for the listeners that would use it: a Graph token needs
/// <c>Mail.ReadWrite</c>, or <c>Mail.Read</c> for listeners that leave mail unchanged.
/// </summary>
public static class PermissionCheck
{
    /// <summary>Microsoft Graph's resource, the audience of its tokens.</summary>
    public const string GraphResource = "https://graph.microsoft.com";

    // Entra's v1.0 tokens name the resource by its application id instead.
    private const string GraphApplicationId = "00000003-0000-0000-c000-000000000000";

    /// <summary>Warnings for a token with <paramref name="claims"/> issued for <paramref name="requested"/>; none when nothing is missing or the token is not a JWT.</summary>
    public static IReadOnlyList<string> Warnings(ScopeSet requested, JwtClaims? claims)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (claims is null)
        {
            return [];
        }

        var forGraph = requested.Contains(GraphResource + "/.default")
            || claims.Audiences.Any(a => a.TrimEnd('/').Equals(GraphResource, StringComparison.OrdinalIgnoreCase) || a == GraphApplicationId);
        if (!forGraph || Has(claims, "Mail.ReadWrite"))
        {
            return [];
        }

        return Has(claims, "Mail.Read")
            ? ["The token has the role Mail.Read but not Mail.ReadWrite: Graph listeners with this credential can only leave mail unchanged. To mark read, move or delete, grant the application permission Mail.ReadWrite (Microsoft Graph) with admin consent."]
            : ["The token has no Mail.ReadWrite role: Microsoft Graph will answer ErrorAccessDenied. Grant the application permission Mail.ReadWrite (Microsoft Graph) with admin consent, and scope it to the listener mailboxes with RBAC for Applications."];
    }

    private static bool Has(JwtClaims claims, string role) => claims.Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}
