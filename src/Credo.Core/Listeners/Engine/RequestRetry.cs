using Credo.Core.Listeners.Sources;
using Credo.Net;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Retries one mail-source request within a poll, as the failure deserves:
/// <list type="bullet">
/// <item>A server that asks Credo to wait (<see cref="MailErrorKind.Throttled"/>) is waited for — what it asked, capped at
/// <see cref="ListenerOptions.MaxRetryWait"/> and half the lease, or a capped exponential back-off with jitter — and the
/// same request is sent again, so the poll goes on rather than starting over. A budget for the whole poll bounds it:
/// <see cref="ListenerOptions.RetriesPerPoll"/> retries, and every five calls that succeed earn one back (never above
/// that), so a server that steadily throttles one request in six or fewer never ends a poll (a Graph <c>$batch</c> is one
/// call but twenty requests the server counts, so the margin is needed), while one that refuses most requests does.</item>
/// <item>A passing fault (<see cref="MailErrorKind.Transient"/>: a refused, reset or timed-out connection, a TLS failure,
/// a <c>5xx</c> without <c>Retry-After</c>) is tried at most <see cref="QuickRetries"/> more times, within
/// <see cref="QuickRetryWindow"/> of its first failure; then the poll ends as an error with that cause, at once, so the
/// console says what is wrong instead of a poll that seems to run.</item>
/// <item>Anything else ends the poll.</item>
/// </list>
/// Safe for concurrent requests.
/// </summary>
internal sealed class RequestRetry(ListenerOptions settings, TimeProvider time, PollProgress progress, Func<CancellationToken, Task> beforeWait) : IDisposable
{
    /// <summary>How many more times a request that met a passing fault is sent.</summary>
    public const int QuickRetries = 2;

    /// <summary>How long after its first failure a request that met a passing fault may still be retried.</summary>
    public static readonly TimeSpan QuickRetryWindow = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan MaxQuickWait = TimeSpan.FromSeconds(4);

    private readonly SemaphoreSlim _renewing = new(1, 1);
    private readonly TimeSpan _maxWait = settings.MaxRetryWait < settings.LeaseDuration / 2 ? settings.MaxRetryWait : settings.LeaseDuration / 2;

    // In fifths of a retry: a retry costs five, a success earns one.
    private const int RetryCost = 5;
    private readonly int _fullBudget = settings.RetriesPerPoll * RetryCost;
    private int _budget = settings.RetriesPerPoll * RetryCost;
    private long _waitedTicks;
    private int _waits;
    private long _firstFailureTicks;

    /// <summary>How many times requests waited and were retried.</summary>
    public int Waits => _waits;

    /// <summary>How long they waited in all.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    /// <summary>When a request of this poll first failed, if one did: where "failing since" starts.</summary>
    public DateTimeOffset? FirstFailureAt => Interlocked.Read(ref _firstFailureTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Runs <paramref name="call"/>, again after each failure that deserves a retry.</summary>
    public async Task<Result<T, MailError>> RunAsync<T>(Func<CancellationToken, Task<Result<T, MailError>>> call, CancellationToken cancellationToken)
    {
        var quickRetries = 0;
        long firstFault = 0;
        for (var attempt = 1; ; attempt++)
        {
            var result = await call(cancellationToken);
            if (result.Succeeded)
            {
                Earn();
                return result;
            }

            var error = result.Error;
            Interlocked.CompareExchange(ref _firstFailureTicks, time.GetUtcNow().UtcTicks, 0);
            TimeSpan wait;
            string why;
            switch (error.Kind)
            {
                case MailErrorKind.Throttled:
                    if (error.RetryAfter > _maxWait)
                    {
                        return error;
                    }

                    if (Interlocked.Add(ref _budget, -RetryCost) < 0)
                    {
                        return error with
                        {
                            Message = $"{error.Message} The server kept asking Credo to slow down (more than one request in six), so this poll stopped early; what it recorded is kept and the next poll goes on from there.",
                        };
                    }

                    wait = error.RetryAfter ?? Backoff.Delay(attempt, settings.InitialBackoff, _maxWait, null);
                    why = "because the server throttled";
                    break;
                case MailErrorKind.Transient:
                    firstFault = firstFault == 0 ? time.GetTimestamp() : firstFault;
                    wait = Backoff.Delay(++quickRetries, settings.InitialBackoff, MaxQuickWait, null);
                    if (quickRetries > QuickRetries || time.GetElapsedTime(firstFault) + wait > QuickRetryWindow)
                    {
                        return error;
                    }

                    why = $"to retry after: {error.Message}";
                    break;
                default:
                    return error;
            }

            Interlocked.Increment(ref _waits);
            Interlocked.Add(ref _waitedTicks, wait.Ticks);
            progress.Waiting(time.GetUtcNow() + wait, why);

            // Keep the lease for the wait: a long throttle must not let another node take the listener mid-poll.
            await _renewing.WaitAsync(cancellationToken);
            try
            {
                await beforeWait(cancellationToken);
            }
            finally
            {
                _renewing.Release();
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    public void Dispose() => _renewing.Dispose();

    private void Earn()
    {
        int budget;
        do
        {
            budget = Volatile.Read(ref _budget);
        }
        while (budget < _fullBudget && Interlocked.CompareExchange(ref _budget, budget + 1, budget) != budget);
    }
}
