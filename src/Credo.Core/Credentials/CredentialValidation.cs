using Credo.Net;
using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>
/// The report of <b>Validate</b>: what the authorization server issued (never the token itself), or the stage
/// that failed with its message and hint, or the field errors that kept the request from being sent.
/// </summary>
public sealed class CredentialValidation
{
    /// <summary>Field errors; when there are any, no request was sent.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether a token was issued.</summary>
    public bool Succeeded { get; init; }

    /// <summary>The failure, when the request was sent and failed.</summary>
    public TokenFailure? Failure { get; init; }

    /// <summary><c>Bearer</c>, on success.</summary>
    public string? TokenType { get; init; }

    /// <summary>The token's lifetime, on success.</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>Where the lifetime came from.</summary>
    public LifetimeSource? LifetimeSource { get; init; }

    /// <summary>The granted scope, when the server said.</summary>
    public string? GrantedScope { get; init; }

    /// <summary>The JWT claims <c>aud</c>, <c>roles</c>, <c>scp</c>, <c>exp</c>, when the token is a JWT.</summary>
    public JwtClaims? Claims { get; init; }

    /// <summary>What the token's roles leave out for the listeners that would use it (see <see cref="PermissionCheck"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Why the request most likely failed, when the credential's secret or certificate has expired.</summary>
    public string? LikelyCause { get; init; }

    /// <summary>Where the secret or certificate came from when a Secret Reference gave it: the reference and its version, never the value.</summary>
    public string? SecretOrigin { get; init; }

    /// <summary>One line for lists and the audit log.</summary>
    public string Summary => Errors.Count > 0
        ? "Not sent: " + string.Join(" ", Errors.Values)
        : Succeeded
            ? $"Token issued: {TokenType}, valid for {Lifetime:g}" + (Claims is { Audiences.Count: > 0 } c ? $", audience {string.Join(", ", c.Audiences)}" : "")
                + (SecretOrigin is null ? "" : $"; secret {SecretOrigin}")
                + (Warnings.Count > 0 ? $"; warning: {string.Join(" ", Warnings)}" : "")
            : $"Failed at {Failure?.Stage}: {Failure?.Message}" + (SecretOrigin is null ? "" : $" (secret {SecretOrigin})") + (LikelyCause is null ? "" : " " + LikelyCause);

    internal static CredentialValidation From(Result<AccessToken, TokenFailure> result, ScopeSet requested, string? expiredHint = null, string? secretOrigin = null) => result.Succeeded
        ? new CredentialValidation
        {
            Warnings = PermissionCheck.Warnings(requested, result.Value.ReadJwtClaims()),
            Succeeded = true,
            TokenType = result.Value.TokenType,
            Lifetime = result.Value.Lifetime,
            LifetimeSource = result.Value.LifetimeSource,
            GrantedScope = result.Value.GrantedScope,
            Claims = result.Value.ReadJwtClaims(),
            SecretOrigin = secretOrigin,
        }
        : new CredentialValidation { Failure = result.Error, LikelyCause = expiredHint, SecretOrigin = secretOrigin };
}
