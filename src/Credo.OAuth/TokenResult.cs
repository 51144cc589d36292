using System.Diagnostics.CodeAnalysis;

namespace Credo.OAuth;

/// <summary>
/// The outcome of a token request: a <see cref="AccessToken"/> or a <see cref="TokenFailure"/>. Expected
/// protocol failures are values of this type; misconfiguration and bugs throw.
/// </summary>
public sealed class TokenResult
{
    private TokenResult(AccessToken? token, TokenFailure? failure)
    {
        Token = token;
        Failure = failure;
    }

    /// <summary>The token, when <see cref="Succeeded"/>.</summary>
    public AccessToken? Token { get; }

    /// <summary>The failure, when not <see cref="Succeeded"/>.</summary>
    public TokenFailure? Failure { get; }

    /// <summary>Whether a token was obtained.</summary>
    [MemberNotNullWhen(true, nameof(Token))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Token is not null;

    /// <summary>A successful result.</summary>
    public static TokenResult Success(AccessToken token) => new(token ?? throw new ArgumentNullException(nameof(token)), null);

    /// <summary>A failed result.</summary>
    public static TokenResult Failed(TokenFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));

    /// <summary>Describes the result without revealing a token.</summary>
    public override string ToString() => Succeeded ? Token.ToString() : Failure.ToString();
}
