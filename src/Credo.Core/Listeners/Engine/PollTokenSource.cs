using System.Diagnostics;
using Credo.Net;
using Credo.OAuth;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// The token source a poll hands its mail source: the first token the poll asks for is a span of its own under the
/// poll's span (the cache answers, or the token request shows below it), whichever mail-source request asks first.
/// Later calls, and calls after the poll (an IMAP IDLE watcher keeps the mailbox), pass through untraced.
/// </summary>
internal sealed class PollTokenSource(IAccessTokenSource inner, Activity? poll) : IAccessTokenSource
{
    private int _traced;

    public async ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (poll is null || poll.Duration != TimeSpan.Zero || Interlocked.Exchange(ref _traced, 1) == 1)
        {
            return await inner.GetTokenAsync(cancellationToken);
        }

        using var activity = ListenerActivities.Listeners.StartActivity(ListenerActivities.TokenName, ActivityKind.Internal, poll.Context);
        var result = await inner.GetTokenAsync(cancellationToken);
        if (activity is not null && !result.Succeeded)
        {
            activity.SetTag("error.type", result.Error.Kind.ToString());
            activity.SetStatus(ActivityStatusCode.Error);
        }

        return result;
    }

    public void Reject(AccessToken token) => inner.Reject(token);

    public TokenFailure? RefuseDestination(Uri destination) => inner.RefuseDestination(destination);
}
