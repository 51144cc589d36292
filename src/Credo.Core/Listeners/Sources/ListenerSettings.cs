using System.Globalization;

namespace Credo.Core.Listeners.Sources;

/// <summary>
/// The protocol settings of a listener, by protocol name and setting key (any case): the chosen protocol's are used,
/// the others keep what was typed in case the protocol is switched back. Stored as one JSON value.
/// </summary>
public sealed class ListenerSettings : Dictionary<string, Dictionary<string, string?>>
{
    /// <summary>No settings yet.</summary>
    public ListenerSettings()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    /// <summary>Sets <paramref name="key"/> of <paramref name="protocol"/>; returns this, to set several in a row.</summary>
    public ListenerSettings Set(string protocol, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (!TryGetValue(protocol, out var values))
        {
            this[protocol] = values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        }

        values[key] = value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
        return this;
    }

    /// <summary>The values of <paramref name="protocol"/>'s settings, with its defaults.</summary>
    public ProtocolValues For(IMailProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return new ProtocolValues(protocol, TryGetValue(protocol.Name, out var values) ? values : null);
    }

    /// <summary>A deep copy.</summary>
    public ListenerSettings Copy()
    {
        var copy = new ListenerSettings();
        foreach (var (protocol, values) in this)
        {
            copy[protocol] = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        }

        return copy;
    }

    /// <summary>The copy that is stored: each known protocol's values in canonical form, unknown protocols and settings left out.</summary>
    public ListenerSettings Normalized()
    {
        var normalized = new ListenerSettings();
        foreach (var protocol in MailProtocols.All)
        {
            if (ContainsKey(protocol.Name) && For(protocol).ToStored() is { Count: > 0 } stored)
            {
                normalized[protocol.Name] = stored;
            }
        }

        return normalized;
    }
}
