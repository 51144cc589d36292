using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// The status of successful polls, written in groups: outcomes handed over at the same moment by many polls all reach
/// their own listener's row, clear its error, keep a due time set while the poll ran, and keep the sync state only while
/// this node holds the lease and the listener is at the version polled; on both databases, whose statements differ.
/// </summary>
public abstract class PollStatusWriterTests(Func<Task<TestDatabase>> database) : IAsyncLifetime
{
    private const string Node = "node-a";
    private const int Listeners = 60;
    private static readonly DateTimeOffset Started = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private readonly List<Guid> _listeners = [];
    private CoreServices? _core;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.StartAsync(database);
        for (var i = 0; i < Listeners; i++)
        {
            _listeners.Add(await _core.AddListenerAsync($"Written {i}"));
        }

        // Every listener (at version 1) failing and held by this node; the first held by another node, the second made due
        // while polled; the third is written as polled at version 0, before a save.
        await using var scope = _core.Scope();
        var db = _core.Get<CredoDbContext>(scope);
        await db.EmailListeners.ExecuteUpdateAsync(u => u
            .SetProperty(l => l.LeaseOwner, Node)
            .SetProperty(l => l.SyncState, "old")
            .SetProperty(l => l.LastError, "Cannot connect")
            .SetProperty(l => l.LastErrorHint, "Check the host")
            .SetProperty(l => l.ConsecutiveFailures, 3)
            .SetProperty(l => l.FailingSince, Started.AddHours(-1))
            .SetProperty(l => l.PollActivity, "listing new mail")
            .SetProperty(l => l.NextPollAt, Started), Ct);
        await db.EmailListeners.Where(l => l.Id == _listeners[0]).ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, "node-b"), Ct);
        await db.EmailListeners.Where(l => l.Id == _listeners[1]).ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, Started.AddSeconds(2)), Ct);
        _core.Get<IOptionsMonitor<ListenerOptions>>(scope).CurrentValue.NodeName = Node;
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }
    }

    [Fact]
    public async Task Outcomes_handed_over_at_once_by_many_polls_each_reach_their_own_listener()
    {
        await using var scope = _core!.Scope();
        var writer = new PollStatusWriter(_core.Get<IServiceScopeFactory>(scope), _core.Get<IOptionsMonitor<ListenerOptions>>(scope));

        await Task.WhenAll(_listeners.Select((id, i) => Task.Run(
            () => writer.WriteAsync(id, i == 2 ? 0 : 1, $"state {i}", Started, Started.AddSeconds(5 + i), Started.AddSeconds(35 + i)), Ct)));

        var rows = await _core.Get<CredoDbContext>(scope).EmailListeners.AsNoTracking().ToDictionaryAsync(l => l.Id, Ct);
        for (var i = 0; i < Listeners; i++)
        {
            var row = rows[_listeners[i]];
            Assert.Equal(i is 0 or 2 ? "old" : $"state {i}", row.SyncState);
            Assert.Equal(Started.AddSeconds(5 + i), row.LastPollAt);
            Assert.Equal(Started.AddSeconds(5 + i), row.LastSuccessAt);
            Assert.Equal(i == 1 ? Started.AddSeconds(2) : Started.AddSeconds(35 + i), row.NextPollAt);
            Assert.Equal((null, null, 0, null, null), (row.LastError, row.LastErrorHint, row.ConsecutiveFailures, row.FailingSince, row.PollActivity));
        }
    }

    [Fact]
    public async Task A_failed_write_fails_every_poll_of_its_group_and_the_next_write_goes_on()
    {
        await using var scope = _core!.Scope();
        var writer = new PollStatusWriter(_core.Get<IServiceScopeFactory>(scope), _core.Get<IOptionsMonitor<ListenerOptions>>(scope));

        // A statement that cannot run (its table is renamed away for the moment) fails the poll that waits for it, and
        // leaves the writer free for the next group.
        await _core.Get<CredoDbContext>(scope).Database.ExecuteSqlRawAsync("ALTER TABLE email_listeners RENAME TO email_listeners_away", Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => writer.WriteAsync(_listeners[2], 1, "lost", Started, Started.AddSeconds(1), Started.AddSeconds(31)));
        await _core.Get<CredoDbContext>(scope).Database.ExecuteSqlRawAsync("ALTER TABLE email_listeners_away RENAME TO email_listeners", Ct);

        await writer.WriteAsync(_listeners[2], 1, "kept", Started, Started.AddSeconds(1), Started.AddSeconds(31));

        var row = await _core.Get<CredoDbContext>(scope).EmailListeners.AsNoTracking().SingleAsync(l => l.Id == _listeners[2], Ct);
        Assert.Equal("kept", row.SyncState);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqlitePollStatusWriterTests() : PollStatusWriterTests(TestDatabase.SqliteAsync);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgreSqlPollStatusWriterTests() : PollStatusWriterTests(TestDatabase.PostgreSqlAsync);
