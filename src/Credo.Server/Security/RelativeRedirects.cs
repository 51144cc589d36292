using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Credo.Server.Security;

/// <summary>
/// The cookie handler builds its redirects (to sign in, access denied, sign out) from the request's scheme and
/// <c>Host</c> header, so a forged <c>Host</c> would come back in <c>Location</c> (and in any cache in between).
/// These make them relative, which every browser resolves against the address it actually asked.
/// </summary>
internal static class RelativeRedirects
{
    /// <summary>Wraps the redirect events of the cookie scheme <paramref name="scheme"/>, whatever else configures them.</summary>
    public static IServiceCollection AddRelativeCookieRedirects(this IServiceCollection services, string scheme) =>
        services.PostConfigure<CookieAuthenticationOptions>(scheme, options =>
        {
            var events = options.Events;
            events.OnRedirectToLogin = Relative(events.OnRedirectToLogin);
            events.OnRedirectToAccessDenied = Relative(events.OnRedirectToAccessDenied);
            events.OnRedirectToLogout = Relative(events.OnRedirectToLogout);
            events.OnRedirectToReturnUrl = Relative(events.OnRedirectToReturnUrl);
        });

    /// <summary><c>http://any.host/Account/Login?ReturnUrl=%2F</c> → <c>/Account/Login?ReturnUrl=%2F</c>.</summary>
    public static string PathAndQuery(string redirectUri)
    {
        var authority = redirectUri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "http://".Length
            : redirectUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https://".Length
            : -1;
        if (authority < 0)
        {
            return redirectUri;
        }

        // Kestrel refuses a Host with '/', '?' or '#', so the first of them ends the authority.
        var end = redirectUri.IndexOfAny(['/', '?', '#'], authority);
        return end < 0 ? "/" : redirectUri[end] == '/' ? redirectUri[end..] : "/" + redirectUri[end..];
    }

    private static Func<RedirectContext<CookieAuthenticationOptions>, Task> Relative(Func<RedirectContext<CookieAuthenticationOptions>, Task> inner) =>
        context =>
        {
            context.RedirectUri = PathAndQuery(context.RedirectUri);
            return inner(context);
        };
}
