using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Wakes the listener engine before its next tick once a listener was made due (a push notification, Poll now, IMAP IDLE,
/// a new or changed listener), so that it is claimed at once; the tick stays the safety net. On the node that holds the
/// listener (and always on SQLite, which runs one node) the engine is signalled in-process; otherwise PostgreSQL carries
/// the wake-up to every node (<c>NOTIFY credo_wake</c>, which <see cref="WakeListener"/> listens to). It also remembers when
/// each listener was last notified, for the time from notification to recorded mail.
/// </summary>
public sealed class ListenerWakes(IOptionsMonitor<ListenerOptions> options, TimeProvider time)
{
    /// <summary>The PostgreSQL channel: its payload is a listener id, followed by <see cref="PushMark"/> for a push notification.</summary>
    internal const string Channel = "credo_wake";

    private const string PushMark = " push";

    private readonly Channel<bool> _signal = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _wokenAt = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _notifiedAt = new();

    /// <summary>
    /// Tells the engine that holds <paramref name="listenerId"/> (<paramref name="holder"/>, null when none does) that it was
    /// just made due in <paramref name="db"/>; <paramref name="notified"/> when a push notification did so.
    /// </summary>
    internal async Task MadeDueAsync(CredoDbContext db, Guid listenerId, string? holder, bool notified, CancellationToken cancellationToken)
    {
        if (holder == options.CurrentValue.NodeName || !db.Database.IsNpgsql())
        {
            Wake(listenerId, notified);
            return;
        }

        // Every node listens, this one included: whichever holds the listener, or may take it, claims it now.
        var payload = listenerId.ToString("D", CultureInfo.InvariantCulture) + (notified ? PushMark : "");
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", cancellationToken);
    }

    /// <summary>Acts on a <c>credo_wake</c> payload from PostgreSQL; one that names no listener is ignored.</summary>
    internal void Received(string payload)
    {
        var notified = payload.EndsWith(PushMark, StringComparison.Ordinal);
        if (Guid.TryParse(notified ? payload[..^PushMark.Length] : payload, out var listenerId))
        {
            Wake(listenerId, notified);
        }
    }

    /// <summary>Wakes the engine of this node for <paramref name="listenerId"/>.</summary>
    internal void Wake(Guid listenerId, bool notified)
    {
        var now = time.GetUtcNow();
        _wokenAt[listenerId] = now;
        if (notified)
        {
            // The first notification counts: the mail it announced waits since then.
            _notifiedAt.TryAdd(listenerId, now);
        }

        Wake();
    }

    /// <summary>Wakes the engine of this node, to look for due listeners now.</summary>
    internal void Wake() => _signal.Writer.TryWrite(true);

    /// <summary>Waits <paramref name="tick"/>, or less if the engine is woken meanwhile (or was since it last waited).</summary>
    internal async Task WaitAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticked = Task.Delay(tick, time, waiting.Token);
        var woken = _signal.Reader.WaitToReadAsync(waiting.Token).AsTask();
        await Task.WhenAny(ticked, woken);
        await waiting.CancelAsync();
        _signal.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Whether <paramref name="listenerId"/> was woken at or after <paramref name="since"/>.</summary>
    internal bool WokenSince(Guid listenerId, DateTimeOffset since) => _wokenAt.TryGetValue(listenerId, out var at) && at >= since;

    /// <summary>How long ago <paramref name="listenerId"/> was first notified since its last mail was recorded; null when it was not.</summary>
    internal TimeSpan? TakeNotified(Guid listenerId) => _notifiedAt.TryRemove(listenerId, out var at) ? time.GetUtcNow() - at : null;

    /// <summary>Forgets a notification of <paramref name="listenerId"/> from before <paramref name="before"/>: a poll since found no mail for it.</summary>
    internal void ForgetNotified(Guid listenerId, DateTimeOffset before)
    {
        if (_notifiedAt.TryGetValue(listenerId, out var at) && at < before)
        {
            _notifiedAt.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(listenerId, at));
        }
    }

    /// <summary>
    /// Forgets what is older than <paramref name="before"/>: every node hears every wake-up on PostgreSQL, so a node keeps
    /// entries for listeners it does not hold, which no poll of its own takes.
    /// </summary>
    internal void Prune(DateTimeOffset before)
    {
        foreach (var entries in new[] { _wokenAt, _notifiedAt })
        {
            foreach (var entry in entries)
            {
                if (entry.Value < before)
                {
                    entries.TryRemove(entry);
                }
            }
        }
    }
}
