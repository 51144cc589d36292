using Credo.Net;

namespace Credo.OAuth;

/// <summary>Where <see cref="AccessTokenHandler"/> gets the token for one request, and reports a token refused.</summary>
public interface IAccessTokenSource
{
    /// <summary>The current token, or why there is none.</summary>
    ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>Reports that a resource server answered <c>401</c> to <paramref name="token"/>.</summary>
    void Reject(AccessToken token);

    /// <summary>
    /// Why a token of this source may not go to <paramref name="destination"/> (it is not among the credential's
    /// Resource Hosts), or null when it may. A source without such a rule allows every destination.
    /// </summary>
    TokenFailure? RefuseDestination(Uri destination) => null;
}
