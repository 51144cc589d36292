using System.Text.Json;
using Credo.Core.Listeners.Sources;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Credo.Core.Persistence;

/// <summary>Stores a listener's protocol settings as JSON: <c>{"IMAP":{"host":"outlook.office365.com","port":"993"}}</c>.</summary>
internal sealed class ListenerSettingsConverter() : ValueConverter<ListenerSettings, string>(
    settings => JsonSerializer.Serialize(settings, (JsonSerializerOptions?)null),
    json => Read(json))
{
    private static ListenerSettings Read(string json)
    {
        var settings = new ListenerSettings();
        foreach (var (protocol, values) in JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string?>>>(json) ?? [])
        {
            settings[protocol] = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        }

        return settings;
    }
}
