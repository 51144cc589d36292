using System.Text.Encodings.Web;
using System.Text.Json;
using Credo.Core.Listeners.Sources;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Credo.Core.Persistence;

/// <summary>
/// Stores a listener's protocol settings as JSON: <c>{"IMAP":{"host":"outlook.office365.com","port":"993"}}</c>. The JSON
/// goes to the database only, never into HTML, so <c>&amp;</c>, <c>+</c> and non-ASCII letters are written as they are: as
/// six-character escapes, two long URLs could outgrow the column.
/// </summary>
internal sealed class ListenerSettingsConverter() : ValueConverter<ListenerSettings, string>(
    settings => JsonSerializer.Serialize(settings, Json),
    json => Read(json))
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
