using System.Security.Claims;

namespace Credo.Server.Security;

/// <summary>
/// What a Viewer may see of a webhook URL: receivers often take their token in the query string (or the user
/// info), so a Viewer sees scheme, host and path with the rest masked; Administrators, who can edit it, see it whole.
/// </summary>
internal static class WebhookUrlMask
{
    public const string Masked = "…";

    /// <summary>The URL as <paramref name="user"/> may see it.</summary>
    public static string? For(ClaimsPrincipal user, string? url) => user.IsAdministrator() ? url : Mask(url);

    /// <summary><c>https://hooks.example.com/in?token=x</c> → <c>https://hooks.example.com/in?…</c>.</summary>
    public static string? Mask(string? url)
    {
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            // Stored URLs are validated as absolute; anything else shows nothing that might be a token.
            return Masked;
        }

        var userInfo = uri.UserInfo.Length > 0 ? Masked + "@" : "";
        var rest = uri.Query.Length > 0 || uri.Fragment.Length > 0 ? "?" + Masked : "";
        return $"{uri.Scheme}://{userInfo}{uri.Authority}{uri.AbsolutePath}{rest}";
    }
}
