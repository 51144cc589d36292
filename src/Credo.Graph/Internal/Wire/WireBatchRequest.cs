using System.Text.Json;

namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireBatchRequest
{
    public string Id { get; set; } = "";

    public string Method { get; set; } = "";

    public string Url { get; set; } = "";

    public Dictionary<string, string>? Headers { get; set; }

    public JsonElement? Body { get; set; }
}
