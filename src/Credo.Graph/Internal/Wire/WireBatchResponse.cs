using System.Text.Json;

namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireBatchResponse
{
    public string? Id { get; set; }

    public int Status { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    public JsonElement? Body { get; set; }
}
