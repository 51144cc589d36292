namespace Credo.Sandbox.Graph;

/// <summary>The body of <c>POST /users/{id}/messages/{id}/move</c>.</summary>
internal sealed record GraphMoveRequest(string? DestinationId);
