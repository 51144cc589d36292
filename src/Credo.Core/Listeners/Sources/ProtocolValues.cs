using System.Globalization;

namespace Credo.Core.Listeners.Sources;

/// <summary>The values of one protocol's settings as a listener has them, with the protocol's defaults where none is given.</summary>
public sealed class ProtocolValues
{
    private readonly IReadOnlyDictionary<string, string?> _values;

    /// <summary>The values of <paramref name="protocol"/>'s settings among <paramref name="values"/> (keys in any case).</summary>
    public ProtocolValues(IMailProtocol protocol, IReadOnlyDictionary<string, string?>? values)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        Protocol = protocol;
        _values = values ?? new Dictionary<string, string?>();
    }

    /// <summary>The protocol.</summary>
    public IMailProtocol Protocol { get; }

    /// <summary>The value of <paramref name="key"/>, trimmed, or its default (which may follow another setting); null when neither is there.</summary>
    public string? this[string key]
    {
        get
        {
            var setting = Protocol.Settings.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"{Protocol.Name} has no setting \"{key}\".", nameof(key));
            var value = _values.FirstOrDefault(v => string.Equals(v.Key, setting.Key, StringComparison.OrdinalIgnoreCase)).Value?.Trim();
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }

            return setting.DefaultBy is { } by && this[by.Key] is { } other && by.Defaults.TryGetValue(other, out var dependent) ? dependent : setting.Default;
        }
    }

    /// <summary>The value of a setting that has one (checked when saved).</summary>
    public string Text(string key) => this[key] ?? throw new InvalidOperationException($"The {Protocol.Name} setting \"{key}\" has no value.");

    /// <summary>A number setting (a port).</summary>
    public int Number(string key) => int.Parse(Text(key), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>A choice setting as the enum of the same names.</summary>
    public T Choice<T>(string key)
        where T : struct, Enum => Enum.Parse<T>(Text(key), ignoreCase: true);

    /// <summary>The values as stored: each setting's value in its canonical form (a choice as declared), or absent.</summary>
    public Dictionary<string, string?> ToStored() => Protocol.Settings
        .Select(s => (s.Key, Value: Canonical(s, _values.FirstOrDefault(v => string.Equals(v.Key, s.Key, StringComparison.OrdinalIgnoreCase)).Value)))
        .Where(p => p.Value is not null)
        .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    private static string? Canonical(ProtocolSetting setting, string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (setting.Kind == SettingKind.Url)
        {
            return trimmed.TrimEnd('/') is var url && url.Length > 0 ? url : trimmed;
        }

        // An IPv6 host is kept without the brackets a URL puts around it ([::1] is ::1).
        return setting.Kind switch
        {
            SettingKind.Choice => setting.Choices.FirstOrDefault(c => string.Equals(c.Value, trimmed, StringComparison.OrdinalIgnoreCase))?.Value ?? trimmed,
            SettingKind.Switch when bool.TryParse(trimmed, out var on) => on ? "true" : "false",
            SettingKind.Host when trimmed.StartsWith('[') && trimmed.EndsWith(']') => trimmed[1..^1],
            _ => trimmed,
        };
    }
}
