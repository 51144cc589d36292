using System.Globalization;
using System.Text.Json;
using Credo.Core.Listeners.Sources;

namespace Credo.Server.Api;

/// <summary>
/// A listener's protocol settings in the API's JSON, drawn from each protocol's description: one object per protocol,
/// named after it in lower case (<c>"imap": {"host": "outlook.office365.com", "port": 993, ...}</c>), ports as numbers.
/// </summary>
internal static class ProtocolSettingsJson
{
    /// <summary>Every protocol's settings object, with the protocol's defaults where nothing is stored.</summary>
    public static Dictionary<string, JsonElement> Write(ListenerSettings settings)
    {
        var objects = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var protocol in MailProtocols.All)
        {
            var values = settings.For(protocol);
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var setting in protocol.Settings)
            {
                var value = values[setting.Key];
                // A port is a number, and a switch (Graph's push) a boolean, as a client would send them.
                properties[setting.Key] = setting.Kind == SettingKind.Port && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
                    : setting.Kind == SettingKind.Switch && bool.TryParse(value, out var on) ? on
                    : value;
            }

            objects[protocol.Name.ToLowerInvariant()] = JsonSerializer.SerializeToElement(properties);
        }

        return objects;
    }

    /// <summary>
    /// The protocol settings among <paramref name="properties"/> (the request's properties other than the listener's own):
    /// each protocol's object, its values as text; null or absent objects are skipped. What is not an object, or a value
    /// that is neither text, number nor boolean, is an error keyed by its field.
    /// </summary>
    public static ListenerSettings Read(IReadOnlyDictionary<string, JsonElement>? properties, IDictionary<string, string> errors)
    {
        var settings = new ListenerSettings();
        foreach (var (name, element) in properties ?? new Dictionary<string, JsonElement>())
        {
            if (MailProtocols.Find(name) is not { } protocol || element.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                errors[protocol.Name.ToLowerInvariant()] = $"Send the {protocol.Name} settings as an object, such as {{\"{protocol.Settings[0].Key}\": \"...\"}}.";
                continue;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (protocol.Settings.FirstOrDefault(s => string.Equals(s.Key, property.Name, StringComparison.OrdinalIgnoreCase)) is not { } setting)
                {
                    continue;
                }

                var value = property.Value;
                switch (value.ValueKind)
                {
                    case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        settings.Set(protocol.Name, setting.Key, value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        errors[ProtocolSettingRules.Field(protocol, setting.Key)] = $"The {setting.Label} is a single value (text or a number), not {value.ValueKind.ToString().ToLowerInvariant()}.";
                        break;
                }
            }
        }

        return settings;
    }
}
