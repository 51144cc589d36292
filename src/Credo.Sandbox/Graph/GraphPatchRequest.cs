namespace Credo.Sandbox.Graph;

/// <summary>The body of <c>PATCH /users/{id}/messages/{id}</c>; the sandbox changes only <c>isRead</c>.</summary>
internal sealed record GraphPatchRequest(bool? IsRead);
