using System.Collections.Concurrent;
using Credo.Net;
using Credo.OAuth;

namespace Credo.Pop3.Tests.Infrastructure;

/// <summary>A token source that counts what a session asks of the one it wraps, and keeps every token it handed out.</summary>
internal sealed class CountingTokenSource(IAccessTokenSource inner) : IAccessTokenSource
{
    private readonly ConcurrentQueue<string> _issued = new();
    private int _requests;
    private int _rejected;

    public int Requests => Volatile.Read(ref _requests);

    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>The values of the tokens handed out, to show that none of them leaks.</summary>
    public IReadOnlyCollection<string> Issued => _issued;

    public async ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var result = await inner.GetTokenAsync(cancellationToken);
        if (result.Succeeded)
        {
            _issued.Enqueue(result.Value.Value);
        }

        return result;
    }

    public void Reject(AccessToken token)
    {
        Interlocked.Increment(ref _rejected);
        inner.Reject(token);
    }

    public TokenFailure? RefuseDestination(Uri destination) => inner.RefuseDestination(destination);
}
