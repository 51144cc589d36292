namespace Credo.OAuth;

/// <summary>Where <see cref="AccessTokenHandler"/> gets the token for one request, and reports a token refused.</summary>
public interface IAccessTokenSource
{
    /// <summary>The current token, or why there is none.</summary>
    ValueTask<TokenResult> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>Reports that a resource server answered <c>401</c> to <paramref name="token"/>.</summary>
    void Reject(AccessToken token);
}
