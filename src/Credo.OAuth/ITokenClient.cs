using Credo.Net;

namespace Credo.OAuth;

/// <summary>Requests access tokens with the client credentials grant (RFC 6749 §4.4), without caching.</summary>
public interface ITokenClient
{
    /// <summary>
    /// Sends one token request and reports the outcome. Failures of the server, the network or the
    /// response are results, not exceptions; only cancellation through <paramref name="cancellationToken"/> throws.
    /// </summary>
    Task<Result<AccessToken, TokenFailure>> RequestTokenAsync(ClientCredentials credentials, CancellationToken cancellationToken = default);
}
