using System.Text.Json.Serialization;
using Credo.Sandbox.Graph.Subscriptions;

namespace Credo.Sandbox.Graph;

/// <summary>Source-generated reading of the Graph request bodies the sandbox understands.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(GraphPatchRequest))]
[JsonSerializable(typeof(GraphMoveRequest))]
[JsonSerializable(typeof(GraphBatchRequest))]
[JsonSerializable(typeof(SubscriptionRequest))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
