using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Credo.Net.Outbound;

/// <summary>The rules every outbound URL follows (token endpoint, EWS URL, webhook URL).</summary>
public static class OutboundAddress
{
    /// <summary>
    /// Parses <paramref name="text"/> as an absolute <c>https</c> URL (or <c>http</c> to a loopback host, or to
    /// any host when <paramref name="allowHttp"/>) without fragment or user-info; <paramref name="what"/> names
    /// the field in the message, for example "token endpoint".
    /// </summary>
    public static bool TryParse(
        string? text,
        bool allowHttp,
        string what,
        [NotNullWhen(true)] out Uri? uri,
        [NotNullWhen(false)] out string? error)
    {
        uri = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = $"Enter the {what} URL, for example https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token.";
            return false;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var parsed) ||
            (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) ||
            string.IsNullOrEmpty(parsed.Host))
        {
            error = $"The {what} must be an absolute URL starting with https://.";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            error = $"The {what} must not contain a user name or password (user@host); credentials go in their own fields.";
            return false;
        }

        if (trimmed.Contains('#', StringComparison.Ordinal))
        {
            error = $"The {what} must not contain a fragment (the part after #); remove it.";
            return false;
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !allowHttp && !IsLoopbackHost(parsed.Host))
        {
            error = $"The {what} uses http, which would send secrets unencrypted; use https. (Plain http is allowed only to loopback hosts unless an operator sets Credo:Outbound:AllowHttp=true.)";
            return false;
        }

        uri = parsed;
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="host"/> is <c>localhost</c> or a literal loopback address (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
            host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
