using System.Text.Json;
using System.Text.Json.Serialization;

namespace Credo.Graph.Internal.Wire;

/// <summary>
/// Reads <c>true</c>/<c>false</c> also when written as strings, as some of Graph's own examples show them, so that a
/// flag written one way or the other never makes a whole delta page unreadable.
/// </summary>
internal sealed class LenientBooleanConverter : JsonConverter<bool?>
{
    public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
        _ => throw new JsonException($"expected a boolean, found {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } flag)
        {
            writer.WriteBooleanValue(flag);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
