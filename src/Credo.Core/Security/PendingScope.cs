using System.Text.Json;

namespace Credo.Core.Security;

/// <summary>
/// What a secret or certificate that a form carries across <b>Validate</b> is kept for: the console session and the
/// user that typed it, and the Token Endpoint and Client Identifier it was typed for. A pending value protected for one
/// scope cannot be unprotected for another, so another session (another Administrator's too) cannot replay it, and it
/// is not sent anywhere but where it was typed for.
/// </summary>
/// <param name="SessionId">The server-side console session.</param>
/// <param name="UserId">The signed-in user.</param>
/// <param name="TokenEndpoint">The Token Endpoint of the form.</param>
/// <param name="ClientId">The Client Identifier of the form.</param>
public sealed record PendingScope(string SessionId, string UserId, string? TokenEndpoint, string? ClientId)
{
    /// <summary>The Data Protection purpose of this scope; a JSON array, so no value can run into the next.</summary>
    internal string Purpose => JsonSerializer.Serialize(new[] { SessionId, UserId, TokenEndpoint?.Trim() ?? "", ClientId?.Trim() ?? "" });
}
