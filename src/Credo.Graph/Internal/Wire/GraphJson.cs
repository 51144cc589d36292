using System.Text.Json.Serialization;

namespace Credo.Graph.Internal.Wire;

/// <summary>Source-generated JSON for the wire shapes: no reflection at run time, camelCase as Graph writes it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireMessagePage))]
[JsonSerializable(typeof(WireFolder))]
[JsonSerializable(typeof(WireFolderPage))]
[JsonSerializable(typeof(WireErrorAnswer))]
[JsonSerializable(typeof(WireIsRead))]
[JsonSerializable(typeof(WireMove))]
[JsonSerializable(typeof(WireBatch))]
[JsonSerializable(typeof(WireBatchAnswer))]
[JsonSerializable(typeof(WireSubscription))]
internal sealed partial class GraphJson : JsonSerializerContext;
