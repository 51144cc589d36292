using System.Diagnostics.Metrics;
using Credo.Core.Persistence;
using Credo.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// What the observable gauges report: listeners by status (<see cref="ListenerHealth"/>, every status present, 0 for
/// none), push subscriptions by state (<see cref="ListenerPush"/>) and the webhook outbox. Read with two small queries at most every <see cref="MaxAge"/>, so frequent scrapes
/// (or several exporters) do not load the database. Meter callbacks are synchronous, hence the synchronous queries.
/// </summary>
internal sealed class ListenerGauges(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long one reading serves.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private Reading? _reading;

    public IEnumerable<Measurement<long>> Listeners()
    {
        var reading = Read();
        return Enum.GetValues<ListenerStatus>().Select(status => new Measurement<long>(
            reading.ByStatus.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", status.ToString())));
    }

    public IEnumerable<Measurement<long>> PushSubscriptions()
    {
        var reading = Read();
        return ListenerPush.States.Select(state => new Measurement<long>(reading.PushByState.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state)));
    }

    public Measurement<long> PendingDeliveries() => new(Read().Pending);

    public Measurement<double> OldestPendingAge() => new(Read().OldestPendingAge.TotalSeconds);

    private Reading Read()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_reading is { } cached && now - cached.At < MaxAge && now >= cached.At)
            {
                return cached;
            }

            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();

            // Only the columns the status is derived from: sync states and settings stay in the database.
            var listeners = db.EmailListeners.AsNoTracking().Select(l => new EmailListener
            {
                Enabled = l.Enabled,
                PollIntervalSeconds = l.PollIntervalSeconds,
                CreatedAt = l.CreatedAt,
                LastPollAt = l.LastPollAt,
                LastSuccessAt = l.LastSuccessAt,
                LastError = l.LastError,
                ConsecutiveFailures = l.ConsecutiveFailures,
                NextPollAt = l.NextPollAt,
                DeliveryFailures = l.DeliveryFailures,
                PushSubscriptionId = l.PushSubscriptionId,
                PushReauthorize = l.PushReauthorize,
                PushError = l.PushError,
            }).ToList();
            var byStatus = listeners.GroupBy(l => ListenerHealth.Of(l, now)).ToDictionary(g => g.Key, g => (long)g.Count());
            var pushByState = listeners.Where(l => l.Enabled).Select(ListenerPush.Of).OfType<ListenerPush>()
                .GroupBy(p => p.State).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

            var pending = db.WebhookDeliveries.Where(d => d.Status == DeliveryStatus.Pending);
            var count = pending.LongCount();
            var oldest = count == 0 ? [] : pending.OrderBy(d => d.CreatedAt).Select(d => d.CreatedAt).Take(1).ToList();
            var age = oldest.Count == 1 && now > oldest[0] ? now - oldest[0] : TimeSpan.Zero;

            _reading = new Reading(now, byStatus, pushByState, count, age);
            return _reading;
        }
    }

    private sealed record Reading(
        DateTimeOffset At, Dictionary<ListenerStatus, long> ByStatus, Dictionary<string, long> PushByState, long Pending, TimeSpan OldestPendingAge);
}
