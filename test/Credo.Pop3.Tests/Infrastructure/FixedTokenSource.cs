using Credo.Net;
using Credo.OAuth;

namespace Credo.Pop3.Tests.Infrastructure;

/// <summary>A token source for tests that reach no authorization server: always the same token, sent only to <paramref name="hosts"/> when given.</summary>
internal sealed class FixedTokenSource(string value, ResourceHosts? hosts = null) : IAccessTokenSource
{
    public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new(new AccessToken(value, now, now.AddHours(1), LifetimeSource.ExpiresIn, null));
    }

    public void Reject(AccessToken token)
    {
    }

    public TokenFailure? RefuseDestination(Uri destination) => ResourceHostRule.Refuse(hosts, destination);
}
