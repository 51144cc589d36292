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

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenOutput))]
[JsonSerializable(typeof(ErrorOutput))]
internal sealed partial class CliJson : JsonSerializerContext;
