using System.Data.Common;

namespace Credo.Benchmarks;

/// <summary>
/// Reads the listeners table every 200 ms (read-only; on SQLite, WAL lets it read while the server writes) and notes
/// each poll that ended, with the node that held the listener then: a poll shows as a new <c>LastPollAt</c> (the time it
/// ended). Its due time is the <c>NextPollAt</c> read before that, and the lease was taken at <c>LeaseExpiresAt</c> minus
/// the lease duration. The engine claims listeners ahead of their due time, so when a poll started is not in the table:
/// lag is read from the node's own histogram on <c>/metrics</c> (<see cref="MetricsHistogram"/>).
/// </summary>
internal sealed class PollSampler(BenchDatabase database, TimeSpan leaseDuration)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<Guid, Row> _rows = [];
    private readonly Dictionary<string, Guid> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly List<Poll> _polls = [];

    /// <summary>The polls noted so far, a copy.</summary>
    public List<Poll> Polls
    {
        get
        {
            lock (_gate)
            {
                return [.. _polls];
            }
        }
    }

    /// <summary>Polls left out: their lease was renewed after the start, which is then unknown.</summary>
    public int Anomalies { get; private set; }

    public HashSet<Guid> IdsOfMailboxes(IEnumerable<string> mailboxes) =>
        [.. mailboxes.Where(_mailboxes.ContainsKey).Select(m => _mailboxes[m])];

    public string MailboxOf(Guid id) => _mailboxes.First(m => m.Value == id).Key;

    /// <summary>Reads the table as it is now; then <see cref="RunAsync"/> notes what changes.</summary>
    public async Task StartAsync()
    {
        await using var connection = await database.OpenAsync(readOnly: true);
        await using var all = BenchDatabase.Command(connection, """SELECT "Id", "Mailbox", "NextPollAt", "LastPollAt" FROM email_listeners""");
        await using var reader = await all.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0);
            _rows[id] = new Row(Ticks(reader, 2), Ticks(reader, 3));
            _mailboxes[reader.GetString(1)] = id;
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_rows.Count == 0)
        {
            await StartAsync();
        }

        await using var connection = await database.OpenAsync(readOnly: true);
        // Only rows whose poll ended lately; 10 s of slack because LastPollAt is the time a poll ended, taken just
        // before its status update commits, so updates can commit out of that order.
        await using var changed = BenchDatabase.Command(connection,
            """SELECT "Id", "NextPollAt", "LastPollAt", "LeaseExpiresAt", "ConsecutiveFailures", "LeaseOwner" FROM email_listeners WHERE "LastPollAt" >= @since""",
            ("since", 0L));
        var since = changed.Parameters[0];
        long newest = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            since.Value = newest - TimeSpan.FromSeconds(10).Ticks;
            await using (var reader = await changed.ExecuteReaderAsync(CancellationToken.None))
            {
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    var id = reader.GetGuid(0);
                    var last = Ticks(reader, 2);
                    var known = _rows[id];
                    if (last == known.LastPollAt)
                    {
                        continue;
                    }

                    _rows[id] = new Row(Ticks(reader, 1), last);
                    newest = Math.Max(newest, last ?? 0);
                    if (known.NextPollAt is not { } due || last is not { } ended || Ticks(reader, 3) is not { } lease)
                    {
                        continue;
                    }

                    var started = lease - leaseDuration.Ticks;
                    if (started > ended)
                    {
                        Anomalies++;
                        continue;
                    }

                    var poll = new Poll(id, At(due), At(started), At(ended), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5));
                    lock (_gate)
                    {
                        _polls.Add(poll);
                    }
                }
            }

            try
            {
                await Task.Delay(SampleEvery, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static long? Ticks(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static DateTimeOffset At(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>One poll: its listener, when it was due, when its lease was taken, when it ended, its failures, and the node that held the listener as it ended.</summary>
    internal sealed record Poll(Guid ListenerId, DateTimeOffset Due, DateTimeOffset Started, DateTimeOffset Ended, int Failures, string? Node);

    private sealed record Row(long? NextPollAt, long? LastPollAt);
}
