using Credo.Net;
using Microsoft.Extensions.Logging;

namespace Credo.OAuth.Internal;

/// <summary>
/// The tokens of one cache key. Readers take an immutable <see cref="State"/> snapshot without locking;
/// the one token request in flight is published with a compare-and-swap, so concurrent callers share it.
/// </summary>
internal sealed class TokenCacheEntry(TokenCacheKey key, TokenCache cache)
{
    private State _state = State.Empty;
    private Task<Result<AccessToken, TokenFailure>>? _inFlight;
    private volatile bool _removed;

    /// <summary>Whether the cache dropped this entry (credential changed or deleted); holders must look the key up again.</summary>
    public bool Removed => _removed;

    public void MarkRemoved() => _removed = true;

    public ValueTask<Result<AccessToken, TokenFailure>> GetAsync(ClientCredentials credentials, CancellationToken cancellationToken)
    {
        var state = Volatile.Read(ref _state);
        var now = cache.TimeProvider.GetTimestamp();
        if (state.Token is { } cached)
        {
            if (now < state.RefreshAt)
            {
                cache.Metrics.CacheHit();
                return new ValueTask<Result<AccessToken, TokenFailure>>(cached);
            }

            if (now < state.ExpiresAt)
            {
                // Refresh ahead: one caller starts the renewal, everyone keeps the valid token meanwhile.
                cache.Metrics.CacheHit();
                if (now >= state.RetryAt)
                {
                    _ = StartRequest(credentials);
                }

                return new ValueTask<Result<AccessToken, TokenFailure>>(cached);
            }
        }

        if (state.LastFailure is { } failure && now < state.RetryAt)
        {
            return new ValueTask<Result<AccessToken, TokenFailure>>(failure);
        }

        return new ValueTask<Result<AccessToken, TokenFailure>>(WaitAsync(credentials, cancellationToken));
    }

    public bool Reject(AccessToken token)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (!ReferenceEquals(state.Token?.Value, token))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, state with { Token = null }, state) == state)
            {
                return true;
            }
        }
    }

    private Task<Result<AccessToken, TokenFailure>> WaitAsync(ClientCredentials credentials, CancellationToken cancellationToken)
    {
        cache.Metrics.CacheWait();
        return StartRequest(credentials).WaitAsync(cancellationToken);
    }

    private Task<Result<AccessToken, TokenFailure>> StartRequest(ClientCredentials credentials)
    {
        var inFlight = Volatile.Read(ref _inFlight);
        if (inFlight is not null)
        {
            return inFlight;
        }

        var completion = new TaskCompletionSource<Result<AccessToken, TokenFailure>>(TaskCreationOptions.RunContinuationsAsynchronously);
        inFlight = Interlocked.CompareExchange(ref _inFlight, completion.Task, null);
        if (inFlight is not null)
        {
            return inFlight;
        }

        _ = RunRequestAsync(credentials, completion);
        return completion.Task;
    }

    private async Task RunRequestAsync(ClientCredentials credentials, TaskCompletionSource<Result<AccessToken, TokenFailure>> completion)
    {
        try
        {
            // Another caller may have finished a request between our snapshot and winning the swap.
            var state = Volatile.Read(ref _state);
            var result = state.Token is { } fresh && cache.TimeProvider.GetTimestamp() < state.RefreshAt
                ? fresh
                : Store(await cache.TokenClient.RequestTokenAsync(credentials, CancellationToken.None));
            Volatile.Write(ref _inFlight, null);
            completion.SetResult(result);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _inFlight, null);
            completion.SetException(e);
        }
    }

    private Result<AccessToken, TokenFailure> Store(Result<AccessToken, TokenFailure> result)
    {
        var time = cache.TimeProvider;
        var now = time.GetTimestamp();
        var options = cache.Options;
        var current = Volatile.Read(ref _state);
        if (result.Succeeded)
        {
            var lifetime = result.Value.Lifetime;
            var refreshBefore = TimeSpan.FromTicks(Math.Min(options.RefreshBefore.Ticks, lifetime.Ticks / 2));
            Volatile.Write(ref _state, new State(result, now + Ticks(lifetime - refreshBefore), now + Ticks(lifetime), null, 0, 0));
            return result;
        }

        var failures = current.Failures + 1;
        var wait = Backoff.Delay(failures, options.InitialBackoff, options.MaxBackoff, result.Error.RetryAfter);
        Volatile.Write(ref _state, current with { LastFailure = result, RetryAt = now + Ticks(wait), Failures = failures });
        Log.TokenRenewalFailed(cache.Logger, key.CredentialId, key.Version, wait);
        return result;

        long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>What the entry knows, replaced as a whole. Times are <see cref="TimeProvider.GetTimestamp"/> values.</summary>
    private sealed record State(Result<AccessToken, TokenFailure>? Token, long RefreshAt, long ExpiresAt, Result<AccessToken, TokenFailure>? LastFailure, long RetryAt, int Failures)
    {
        public static readonly State Empty = new(null, 0, 0, null, 0, 0);
    }
}
