using System.Data.Common;

namespace Credo.Benchmarks;

/// <summary>
/// Reads the listeners table every 200 ms (read-only; on SQLite, WAL lets it read while the server writes) and notes
/// each poll that ended, with the node that held the listener then: a poll shows as a new <c>LastPollAt</c> (the time it
/// ended). When a poll started is not in the table (the engine claims listeners ahead of their due time): lag is read
/// from the node's own histogram on <c>/metrics</c> (<see cref="MetricsHistogram"/>).
/// </summary>
internal sealed class PollSampler(BenchDatabase database)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<Guid, long?> _lastPollAt = [];
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

    public HashSet<Guid> IdsOfMailboxes(IEnumerable<string> mailboxes) =>
        [.. mailboxes.Where(_mailboxes.ContainsKey).Select(m => _mailboxes[m])];

    public string MailboxOf(Guid id) => _mailboxes.First(m => m.Value == id).Key;

    /// <summary>Reads the table as it is now; then <see cref="RunAsync"/> notes what changes.</summary>
    public async Task StartAsync()
    {
        await using var connection = await database.OpenAsync(readOnly: true);
        await using var all = BenchDatabase.Command(connection, """SELECT "Id", "Mailbox", "LastPollAt" FROM email_listeners""");
        await using var reader = await all.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0);
            _lastPollAt[id] = Ticks(reader, 2);
            _mailboxes[reader.GetString(1)] = id;
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_lastPollAt.Count == 0)
        {
            await StartAsync();
        }

        await using var connection = await database.OpenAsync(readOnly: true);
        // Only rows whose poll ended lately; 10 s of slack because LastPollAt is the time a poll ended, taken just
        // before its status update commits, so updates can commit out of that order.
        await using var changed = BenchDatabase.Command(connection,
            """SELECT "Id", "LastPollAt", "ConsecutiveFailures", "LeaseOwner" FROM email_listeners WHERE "LastPollAt" >= @since""",
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
                    if (Ticks(reader, 1) is not { } ended || ended == _lastPollAt[id])
                    {
                        continue;
                    }

                    _lastPollAt[id] = ended;
                    newest = Math.Max(newest, ended);
                    var poll = new Poll(id, At(ended), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
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

    /// <summary>One poll: its listener, when it ended, its failures, and the node that held the listener as it ended.</summary>
    internal sealed record Poll(Guid ListenerId, DateTimeOffset Ended, int Failures, string? Node);
}
