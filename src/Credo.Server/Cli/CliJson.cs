using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Credo.Server.Cli;

/// <summary>What <c>credo token</c> prints on success.</summary>
internal sealed record TokenOutput(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope);

/// <summary>What a command prints on stdout for <c>--json</c> when it fails.</summary>
internal sealed record ErrorOutput(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("hint")] string? Hint = null,
    [property: JsonPropertyName("status")] int? Status = null,
    [property: JsonPropertyName("content_type")] string? ContentType = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("error_description")] string? ErrorDescription = null,
    [property: JsonPropertyName("error_uri")] string? ErrorUri = null);

/// <summary>
/// The JSON the command line prints. It goes to a terminal or a pipe, never into HTML, so <c>&lt;</c>, <c>&amp;</c>,
/// quotes and non-ASCII letters are written as themselves rather than as <c>\u003C</c> escapes a reader has to decode.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenOutput))]
[JsonSerializable(typeof(ErrorOutput))]
internal sealed partial class CliJson : JsonSerializerContext
{
    /// <summary>For listings and reports: camelCase, indented, enums by name, relaxed escaping.</summary>
    public static JsonSerializerOptions Output { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The generated serializers of <see cref="TokenOutput"/> and <see cref="ErrorOutput"/> with relaxed escaping.</summary>
    public static CliJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
