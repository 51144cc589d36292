using System.Text.RegularExpressions;
using Credo.Ews;

namespace Credo.Core.Listeners.Sources.Ews.Internal;

/// <summary>
/// Exchange's reason for refusing a token, in plain words. A <c>401</c> carries it in <c>x-ms-diagnostics</c>
/// (<c>2000003;reason="The token has expired."</c>): an expired token is not a scope problem, so the hint follows the
/// reason rather than the status. The server's own words are kept as the error's details.
/// </summary>
internal static partial class EwsTokenRefusal
{
    /// <summary>The message and hint for <paramref name="error"/>, or null when it is not a refusal Exchange explained.</summary>
    public static (string Message, string? Hint)? Explain(EwsError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Kind != EwsErrorKind.Unauthorized || error.Diagnostics is null || DiagnosticsReason().Match(error.Diagnostics) is not { Success: true } match)
        {
            return null;
        }

        var reason = match.Groups["reason"].Value.Trim();
        var category = match.Groups["category"].Success ? match.Groups["category"].Value : "";
        if (reason.Contains("expired", StringComparison.OrdinalIgnoreCase))
        {
            return ("Exchange refused the access token because it had expired.",
                "Credo asks for a new token and tries again at the next poll. If this keeps happening, check that this machine's clock is right and that the authorization server issues tokens that live longer than a few minutes.");
        }

        if (reason.Contains("audience", StringComparison.OrdinalIgnoreCase) || category.Equals("invalid_resource", StringComparison.OrdinalIgnoreCase))
        {
            return ($"Exchange refused the access token: it was issued for another resource ({reason.TrimEnd('.')}).",
                error.Hint ?? "Check that the credential's scope is https://outlook.office365.com/.default.");
        }

        if (reason.Contains("role", StringComparison.OrdinalIgnoreCase) || reason.Contains("permission", StringComparison.OrdinalIgnoreCase))
        {
            return ($"Exchange refused the access token: the application lacks the permission ({reason.TrimEnd('.')}).",
                "Grant the application the full_access_as_app permission (Office 365 Exchange Online, application permission) with admin consent.");
        }

        return ($"Exchange refused the access token: {reason}", error.Hint);
    }

    [GeneratedRegex("""\d{7};\s*reason="(?<reason>[^"]*)"(?:;\s*error_category="(?<category>[^"]*)")?""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DiagnosticsReason();
}
