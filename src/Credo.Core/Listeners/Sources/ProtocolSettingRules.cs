using System.Globalization;
using Credo.Net.Outbound;
using Credo.Net.Text;

namespace Credo.Core.Listeners.Sources;

/// <summary>The rules every protocol setting follows by its <see cref="SettingKind"/>, and the field names errors are keyed by.</summary>
public static class ProtocolSettingRules
{
    /// <summary>Longest text setting (a user name).</summary>
    public const int MaxTextLength = 320;

    /// <summary>The field of a setting in errors and the API's JSON: <c>imap.host</c>.</summary>
    public static string Field(IMailProtocol protocol, string key)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return $"{protocol.Name.ToLowerInvariant()}.{key}";
    }

    /// <summary>Adds to <paramref name="errors"/> what is wrong with <paramref name="values"/>, keyed by <see cref="Field"/>.</summary>
    public static void Check(ProtocolValues values, bool allowPlain, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(errors);
        var protocol = values.Protocol;
        foreach (var setting in protocol.Settings)
        {
            if (Problem(protocol, setting, values[setting.Key], allowPlain) is { } problem)
            {
                errors[Field(protocol, setting.Key)] = problem;
            }
        }

        foreach (var (key, message) in protocol.Check(values, allowPlain))
        {
            errors.TryAdd(Field(protocol, key), message);
        }
    }

    /// <summary>
    /// For a protocol's <see cref="IMailProtocol.Check"/>: the refusal of its <c>security</c> setting when it would send the
    /// token unencrypted to a host that is not loopback, unless an operator allows plain connections.
    /// </summary>
    public static (string Key, string Message)? RefusePlain(IMailProtocol protocol, ProtocolValues values, bool allowPlain)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return allowPlain || protocol.Server(values) is not { Plain: true } server || OutboundAddress.IsLoopbackHost(server.Host)
            ? null
            : ("security", "Security None would send the token unencrypted; choose Tls or StartTls. (None is allowed only to loopback hosts unless an operator sets Credo:Outbound:AllowHttp=true.)");
    }

    private static string? Problem(IMailProtocol protocol, ProtocolSetting setting, string? value, bool allowPlain)
    {
        var enterHost = $"Enter the {protocol.Label} server's host name, for example {setting.Placeholder ?? "mail.contoso.com"} (no scheme, no port).";
        if (value is null)
        {
            return !setting.Required ? null : setting.Kind == SettingKind.Host ? enterHost : $"Enter the {setting.Label}: {setting.Help}";
        }

        switch (setting.Kind)
        {
            case SettingKind.Url:
                if (value.Length > ListenerRules.MaxUrlLength)
                {
                    return $"The {setting.Label} is longer than {ListenerRules.MaxUrlLength} characters; shorten it.";
                }

                return OutboundAddress.TryParse(value, allowPlain, setting.Label, out _, out var error) ? null : error;
            case SettingKind.Host:
                return value.Length <= 255 && Uri.CheckHostName(value.Trim('[', ']')) != UriHostNameType.Unknown ? null : enterHost;
            case SettingKind.Port:
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                    ? null
                    : $"Enter a port from 1 to 65535: {setting.Help}";
            case SettingKind.Choice:
                return setting.Choices.Any(c => string.Equals(c.Value, value, StringComparison.OrdinalIgnoreCase))
                    ? null
                    : $"Choose the {setting.Label}: {string.Join(", ", setting.Choices.Select(c => c.Value))}.";
            case SettingKind.Switch:
                return bool.TryParse(value, out _) ? null : $"Set the {setting.Label} to true or false.";
            default:
                return value.Length > MaxTextLength || value.Any(c => char.IsControl(c) || DisplayText.IsBidiControl(c))
                    ? $"The {setting.Label} is at most {MaxTextLength} characters without control or text-direction characters. {setting.Help}"
                    : null;
        }
    }
}
