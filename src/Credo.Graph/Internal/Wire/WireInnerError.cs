using System.Text.Json.Serialization;

namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireInnerError
{
    [JsonPropertyName("request-id")]
    public string? RequestId { get; set; }
}
