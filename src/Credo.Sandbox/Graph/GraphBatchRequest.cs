namespace Credo.Sandbox.Graph;

/// <summary>The body of <c>POST /v1.0/$batch</c>.</summary>
internal sealed record GraphBatchRequest(List<GraphBatchStep>? Requests);
