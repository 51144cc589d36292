using System.Text.Json.Serialization;

namespace Credo.Sandbox.Graph;

/// <summary>Source-generated reading of the Graph request bodies the sandbox understands.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(GraphPatchRequest))]
[JsonSerializable(typeof(GraphMoveRequest))]
[JsonSerializable(typeof(GraphBatchRequest))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
