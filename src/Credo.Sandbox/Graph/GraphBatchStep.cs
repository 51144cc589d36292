using System.Text.Json;

namespace Credo.Sandbox.Graph;

/// <summary>One request of a JSON <c>$batch</c>.</summary>
internal sealed record GraphBatchStep(string? Id, string? Method, string? Url, Dictionary<string, string>? Headers, JsonElement? Body, string[]? DependsOn);
