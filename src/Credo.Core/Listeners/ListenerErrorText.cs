using System.Text.RegularExpressions;

namespace Credo.Core.Listeners;

/// <summary>
/// Turns a listener's last error as the server wrote it into a sentence an operator reads, with a hint that fits the cause.
/// An Exchange <c>401</c> carries its reason in <c>x-ms-diagnostics</c> (<c>2000003;reason="The token has expired."</c>):
/// an expired token is not a scope problem, so the hint follows the reason rather than the status.
/// </summary>
public static partial class ListenerErrorText
{
    /// <summary>Explains <paramref name="error"/>, given the hint the mail source stored with it.</summary>
    public static ListenerErrorExplanation Explain(string error, string? hint)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (DiagnosticsReason().Match(error) is not { Success: true } match)
        {
            return new ListenerErrorExplanation(error, hint, null);
        }

        var reason = match.Groups["reason"].Value.Trim();
        var category = match.Groups["category"].Success ? match.Groups["category"].Value : "";
        if (reason.Contains("expired", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenerErrorExplanation(
                "Exchange refused the access token because it had expired.",
                "Credo asks for a new token and tries again at the next poll. If this keeps happening, check that this machine's clock is right and that the authorization server issues tokens that live longer than a few minutes.",
                error);
        }

        if (reason.Contains("audience", StringComparison.OrdinalIgnoreCase) || category.Equals("invalid_resource", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenerErrorExplanation(
                $"Exchange refused the access token: it was issued for another resource ({reason.TrimEnd('.')}).",
                hint ?? "Check that the credential's scope is https://outlook.office365.com/.default.",
                error);
        }

        if (reason.Contains("role", StringComparison.OrdinalIgnoreCase) || reason.Contains("permission", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenerErrorExplanation(
                $"Exchange refused the access token: the application lacks the permission ({reason.TrimEnd('.')}).",
                "Grant the application the full_access_as_app permission (Office 365 Exchange Online, application permission) with admin consent.",
                error);
        }

        return new ListenerErrorExplanation($"Exchange refused the access token: {reason}", hint, error);
    }

    [GeneratedRegex("""\d{7};\s*reason="(?<reason>[^"]*)"(?:;\s*error_category="(?<category>[^"]*)")?""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DiagnosticsReason();
}
