using Credo.Net.Outbound;

namespace Credo.OAuth;

/// <summary>
/// The rules for each value of a client credentials registration, with messages that say what is
/// wrong and how to fix it. Each check returns <see langword="null"/> when the value is valid.
/// </summary>
public static class ClientCredentialsRules
{
    /// <summary>Longest client identifier accepted.</summary>
    public const int MaxClientIdLength = 255;

    /// <summary>Longest client secret accepted.</summary>
    public const int MaxClientSecretLength = 4096;

    /// <summary>Checks a client identifier: 1–255 characters, no control characters.</summary>
    public static string? CheckClientId(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return "Enter the client identifier that the authorization server issued (in Microsoft Entra: the Application (client) ID).";
        }

        if (clientId.Length > MaxClientIdLength)
        {
            return $"The client identifier is {clientId.Length} characters long; at most {MaxClientIdLength} are allowed. Check that you pasted the identifier and not another value.";
        }

        var control = clientId.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        if (control < 0)
        {
            control = clientId.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        }

        return control >= 0
            ? $"The client identifier contains a control character (U+{(int)clientId[control]:X4}) at position {control + 1}; remove it (line breaks and tabs often come with copy and paste)."
            : null;
    }

    /// <summary>Checks a client secret: 1–4096 characters. The message never repeats the value.</summary>
    public static string? CheckClientSecret(string? clientSecret)
    {
        if (string.IsNullOrEmpty(clientSecret))
        {
            return "Enter the client secret (in Microsoft Entra: the secret's Value, not its Secret ID).";
        }

        return clientSecret.Length > MaxClientSecretLength
            ? $"The client secret is {clientSecret.Length} characters long; at most {MaxClientSecretLength} are allowed."
            : null;
    }

    /// <summary>Checks scopes as <see cref="ScopeSet.TryParse"/> does.</summary>
    public static string? CheckScopes(string? scopes) =>
        ScopeSet.TryParse(scopes, out _, out var error) ? null : error;

    /// <summary>Checks a token endpoint URL as <see cref="OutboundAddress.TryParse"/> does.</summary>
    public static string? CheckTokenEndpoint(string? tokenEndpoint, bool allowHttp) =>
        OutboundAddress.TryParse(tokenEndpoint, allowHttp, "token endpoint", out _, out var error) ? null : error;
}
