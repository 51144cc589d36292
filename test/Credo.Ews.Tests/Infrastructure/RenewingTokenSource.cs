using Credo.Net;
using Credo.OAuth;

namespace Credo.Ews.Tests.Infrastructure;

/// <summary>A token source that hands out a new token once the current one is rejected, as a credential's cache renews a refused token.</summary>
public sealed class RenewingTokenSource : IAccessTokenSource
{
    private AccessToken _current = Token(1);

    public int Issued { get; private set; } = 1;

    public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken) => new(Result.Success(_current));

    public void Reject(AccessToken token)
    {
        if (ReferenceEquals(token, _current))
        {
            _current = Token(++Issued);
        }
    }

    private static AccessToken Token(int number) =>
        new($"token-{number}", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, LifetimeSource.Default, null);
}
