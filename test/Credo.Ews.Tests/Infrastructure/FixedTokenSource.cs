using Credo.Net;
using Credo.OAuth;

namespace Credo.Ews.Tests.Infrastructure;

/// <summary>A token source that always hands out the same token (a unit-level fake for replayed transcripts).</summary>
public sealed class FixedTokenSource(AccessToken token) : IAccessTokenSource
{
    public int Rejections { get; private set; }

    public static FixedTokenSource Any() =>
        new(new AccessToken("eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2ln", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, LifetimeSource.Default, null));

    public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken) => new(Result.Success(token));

    public void Reject(AccessToken token) => Rejections++;
}
