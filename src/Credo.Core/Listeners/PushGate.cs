using System.Collections.Frozen;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Listeners;

/// <summary>
/// Decides, before a push notification is queued, whether it is worth acting on, without asking the database for each:
/// its subscription must be one a listener has (the ids are read at most every <see cref="Fresh"/>, and when one is not
/// among them, again after at most <see cref="MissRefresh"/>, so that a subscription made a moment ago on another node is
/// still let through), and each subscription gets at most <see cref="PerSecond"/> notifications a second, in bursts of up
/// to <see cref="Burst"/>. The rest are dropped (counted, logged at Debug): the hooks still answer them <c>202</c>, which
/// Graph takes best, and the listeners' polls find the mail regardless.
/// </summary>
public sealed class PushGate : IDisposable
{
    /// <summary>Notifications of one subscription let through at once, after a quiet spell.</summary>
    public const int Burst = 50;

    /// <summary>Notifications of one subscription let through a second, beyond <see cref="Burst"/>; one a mail of its folder, far above a mailbox's pace.</summary>
    public const double PerSecond = 10;

    /// <summary>How long the known subscription ids serve before they are read again.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);

    /// <summary>Shortest time between two reads of the ids for unknown ones: unknown ids cost at most a query this often.</summary>
    public static readonly TimeSpan MissRefresh = TimeSpan.FromSeconds(1);

    private readonly IServiceScopeFactory _scopes;
    private readonly ListenerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PushGate> _logger;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _bucketsGate = new();
    private volatile Known _known = new(FrozenSet<string>.Empty, DateTimeOffset.MinValue);

    internal PushGate(IServiceScopeFactory scopes, ListenerMetrics metrics, TimeProvider time, ILogger<PushGate> logger) =>
        (_scopes, _metrics, _time, _logger) = (scopes, metrics, time, logger);

    /// <summary>
    /// Which of the notifications of one post (naming <paramref name="subscriptionIds"/>) are to be queued; the others are
    /// dropped. Takes at most <see cref="MissRefresh"/> and one read of the ids, shared with the posts waiting alongside.
    /// </summary>
    public async ValueTask<bool[]> AdmitAsync(IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        var known = _known;
        if (_time.GetUtcNow() - known.ReadAt >= Fresh)
        {
            known = await ReadAsync(known, cancellationToken);
        }

        if (subscriptionIds.Any(id => !known.Ids.Contains(id)))
        {
            // Perhaps made since the last read: read again, but not sooner than MissRefresh after it, whoever asks.
            var wait = known.ReadAt + MissRefresh - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken);
            }

            known = await ReadAsync(known, cancellationToken);
        }

        return [.. subscriptionIds.Select(id => !known.Ids.Contains(id) ? Dropped(id, "unknown_subscription", "no listener has this subscription")
            : Take(id) || Dropped(id, "rate_limited", $"more than {Burst} at once or {PerSecond:N0} a second for this subscription"))];
    }

    /// <inheritdoc/>
    public void Dispose() => _reading.Dispose();

    private bool Dropped(string subscriptionId, string reason, string why)
    {
        _metrics.PushDropped(reason);
        Log.PushDropped(_logger, subscriptionId, why);
        return false;
    }

    // Reads the ids unless someone else did since STALE was read; one read at a time, which the others then share.
    private async Task<Known> ReadAsync(Known stale, CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (_known.ReadAt > stale.ReadAt)
            {
                return _known;
            }

            await using var scope = _scopes.CreateAsyncScope();
            var ids = await scope.ServiceProvider.GetRequiredService<CredoDbContext>().EmailListeners.AsNoTracking()
                .Where(l => l.PushSubscriptionId != null).Select(l => l.PushSubscriptionId!).ToListAsync(cancellationToken);
            var known = new Known(ids.ToFrozenSet(StringComparer.Ordinal), _time.GetUtcNow());
            lock (_bucketsGate)
            {
                foreach (var gone in _buckets.Keys.Where(id => !known.Ids.Contains(id)).ToList())
                {
                    _buckets.Remove(gone);
                }
            }

            _known = known;
            return known;
        }
        finally
        {
            _reading.Release();
        }
    }

    // A token bucket per known subscription.
    private bool Take(string subscriptionId)
    {
        var now = _time.GetUtcNow();
        lock (_bucketsGate)
        {
            if (!_buckets.TryGetValue(subscriptionId, out var bucket))
            {
                _buckets[subscriptionId] = bucket = new Bucket { Tokens = Burst, At = now };
            }

            bucket.Tokens = Math.Min(Burst, bucket.Tokens + ((now - bucket.At).TotalSeconds * PerSecond));
            bucket.At = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens--;
            return true;
        }
    }

    private sealed record Known(FrozenSet<string> Ids, DateTimeOffset ReadAt);

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
