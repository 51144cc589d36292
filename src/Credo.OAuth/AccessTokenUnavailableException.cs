namespace Credo.OAuth;

/// <summary>
/// Thrown by <see cref="AccessTokenHandler"/> when no token could be obtained, so the request was not sent.
/// Callers catch it and report <see cref="Failure"/>, which is safe to show.
/// </summary>
public sealed class AccessTokenUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/>.</summary>
    public AccessTokenUnavailableException(TokenFailure failure)
        : base((failure ?? throw new ArgumentNullException(nameof(failure))).Message)
    {
        Failure = failure;
    }

    /// <summary>Why no token could be obtained.</summary>
    public TokenFailure Failure { get; }
}
