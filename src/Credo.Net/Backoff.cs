namespace Credo.Net;

/// <summary>Capped exponential back-off with jitter, never shorter than a server's <c>Retry-After</c>.</summary>
public static class Backoff
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// The wait after the <paramref name="failures"/>th failure in a row: <paramref name="initial"/> doubling up to
    /// <paramref name="max"/>, half of it random, and never shorter than <paramref name="retryAfter"/> (capped at an hour).
    /// </summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max, TimeSpan? retryAfter)
    {
        var exponent = Math.Min(failures - 1, 30);
        var capped = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);

        // "Equal jitter": half fixed, half random, so retries of many callers spread out but never collapse to zero.
        var jittered = TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
        if (retryAfter is { } asked)
        {
            var honoured = asked < MaxRetryAfter ? asked : MaxRetryAfter;
            return honoured > jittered ? honoured : jittered;
        }

        return jittered;
    }
}
