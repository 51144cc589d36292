using Credo.Core.Listeners.Sources;
using Credo.OAuth.Internal;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Retries one mail-source request after a throttling or transient answer, within a budget for the whole poll: the
/// wait is what the server asked (capped at <see cref="ListenerOptions.MaxRetryWait"/>, and at half the lease) or a capped exponential
/// back-off with jitter. The poll goes on from that request rather than starting over; only a spent budget, or a
/// server asking for a longer wait than the cap, ends it (with its progress kept). The budget is
/// <see cref="ListenerOptions.RetriesPerPoll"/> retries, and every five calls that succeed earn one back (never above
/// that), so a server that steadily throttles one request in six or fewer never ends a poll (a Graph <c>$batch</c> is
/// one call but twenty requests the server counts, so the margin is needed), while one that refuses most requests
/// still does. Safe for concurrent requests.
/// </summary>
internal sealed class RequestRetry(ListenerOptions settings, TimeProvider time, Func<CancellationToken, Task> beforeWait) : IDisposable
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private readonly TimeSpan _maxWait = settings.MaxRetryWait < settings.LeaseDuration / 2 ? settings.MaxRetryWait : settings.LeaseDuration / 2;
    // In fifths of a retry: a retry costs five, a success earns one.
    private const int RetryCost = 5;
    private readonly int _fullBudget = settings.RetriesPerPoll * RetryCost;
    private int _budget = settings.RetriesPerPoll * RetryCost;
    private long _waitedTicks;
    private int _waits;

    /// <summary>How many times requests waited and were retried.</summary>
    public int Waits => _waits;

    /// <summary>How long they waited in all.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    /// <summary>Runs <paramref name="call"/>, again after each retryable failure while the budget lasts.</summary>
    public async Task<MailResult<T>> RunAsync<T>(Func<CancellationToken, Task<MailResult<T>>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await call(cancellationToken);
            if (result.Succeeded)
            {
                Earn();
                return result;
            }

            if (!result.Error.IsRetryable)
            {
                return result;
            }

            var error = result.Error;
            if (error.RetryAfter > _maxWait)
            {
                return error;
            }

            if (Interlocked.Add(ref _budget, -RetryCost) < 0)
            {
                return error with
                {
                    Message = $"{error.Message} (the retries of this poll are spent: more than one call in six kept failing; what was recorded is kept and the next poll goes on from there)",
                };
            }

            var wait = error.RetryAfter ?? Backoff.Delay(attempt, settings.InitialBackoff, _maxWait, null);
            Interlocked.Increment(ref _waits);
            Interlocked.Add(ref _waitedTicks, wait.Ticks);

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
