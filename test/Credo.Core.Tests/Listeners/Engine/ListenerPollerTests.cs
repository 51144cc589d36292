using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// One poll of the engine against a scripted source on a real SQLite file, with fake time: throttling waits and retries
/// in place, progress is saved page by page, the budget ends a poll without losing what was done, batches keep the
/// source's sizes.
/// </summary>
public sealed class ListenerPollerTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-poller-").FullName;
    private readonly ObservedTimeProvider _time = new();
    private readonly ScriptedMailSource _source = new(new MailSourceCapabilities(PageSize: 100, FetchBatchSize: 3, ApplyBatchSize: 4, MaxConcurrentRequests: 2));
    private CoreServices? _core;
    private Guid _listenerId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        (_core, _, _listenerId) = await ScriptedListener.StartAsync(_folder, _time, _source, "Scripted", o =>
        {
            o.NodeName = "test-node";
            o.RetriesPerPoll = 5;
            o.MaxRetryWait = TimeSpan.FromSeconds(20);
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Throttled_request_waits_what_the_server_asked_and_is_retried_without_starting_the_poll_over()
    {
        _source.Pages[""] = (["a", "b", "c", "d", "e"], "s1", true);
        _source.FailNextFetch(new MailError(MailErrorKind.Throttled, "ErrorServerBusy", RetryAfter: TimeSpan.FromMilliseconds(300)));

        var poll = PollAsync();
        Assert.Equal(TimeSpan.FromMilliseconds(300), await _time.NextWaitAsync());
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await poll.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var listener = await ListenerAsync();
        Assert.Equal((5L, "s1", null), (listener.MessagesReceived, listener.SyncState, listener.LastError));
        Assert.Single(_source.ChangesCalls);
        Assert.Equal(3, _source.FetchCalls.Count);
        Assert.Equal(["a", "b", "c", "d", "e"], _source.FetchCalls.SelectMany(c => c).Order().Distinct());
    }

    [Fact]
    public async Task Fault_without_retry_after_waits_a_capped_back_off_and_is_retried()
    {
        _source.Pages[""] = (["a"], "s1", true);
        _source.FailNextChanges(new MailError(MailErrorKind.Transient, "HTTP 500"));

        var poll = PollAsync();
        var wait = await _time.NextWaitAsync();
        Assert.InRange(wait, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        _time.Advance(wait);
        await poll.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal((1L, null), ((await ListenerAsync()).MessagesReceived, (await ListenerAsync()).LastError));
        Assert.Equal(2, _source.ChangesCalls.Count);
    }

    [Fact]
    public async Task Sync_state_is_saved_after_each_page_so_a_failure_later_keeps_the_progress()
    {
        _source.Pages[""] = (["a", "b"], "s1", false);
        _source.FailAt["s1"] = new MailError(MailErrorKind.Permanent, "ErrorAccessDenied", "Grant the permission.");

        await PollAsync();

        var listener = await ListenerAsync();
        Assert.Equal((2L, "s1", "ErrorAccessDenied", "Grant the permission."), (listener.MessagesReceived, listener.SyncState, listener.LastError, listener.LastErrorHint));

        // The next poll goes on from the saved page.
        _source.FailAt.Remove("s1");
        _source.Pages["s1"] = (["c"], "s2", true);
        await PollAsync();
        Assert.Equal(["", "s1", "s1"], _source.ChangesCalls.Select(s => s ?? ""));
        Assert.Equal((3L, "s2", null), ((await ListenerAsync()).MessagesReceived, (await ListenerAsync()).SyncState, (await ListenerAsync()).LastError));
    }

    [Fact]
    public async Task Spent_budget_ends_the_poll_keeping_the_pages_already_done()
    {
        _source.Pages[""] = (["a", "b"], "s1", false);
        _source.Pages["s1"] = (["c"], "s2", true);
        for (var i = 0; i < 10; i++)
        {
            _source.FailNextChanges(new MailError(MailErrorKind.Throttled, "busy", RetryAfter: TimeSpan.FromSeconds(1)));
        }

        // Five retries of the first request use up the budget: nothing done, the error says the poll will go on.
        var poll = PollAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), await _time.NextWaitAsync());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await poll.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var listener = await ListenerAsync();
        Assert.Contains("kept asking Credo to slow down", listener.LastError, StringComparison.Ordinal);
        Assert.Equal(6, _source.ChangesCalls.Count);
        Assert.True(listener.NextPollAt >= _time.GetUtcNow().AddSeconds(1));
    }

    [Fact]
    public async Task Server_asking_for_longer_than_the_cap_ends_the_poll_and_the_next_poll_waits_as_asked()
    {
        _source.Pages[""] = (["a"], "s1", true);
        _source.FailNextChanges(new MailError(MailErrorKind.Throttled, "busy", RetryAfter: TimeSpan.FromMinutes(10)));

        await PollAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var listener = await ListenerAsync();
        Assert.Equal(0L, listener.MessagesReceived);
        Assert.True(listener.NextPollAt >= _time.GetUtcNow().AddMinutes(10), $"next poll at {listener.NextPollAt}");
        Assert.Single(_source.ChangesCalls);
    }

    [Fact]
    public async Task After_processing_goes_in_the_sources_batch_size_after_recording()
    {
        _source.Pages[""] = ([.. Enumerable.Range(0, 10).Select(i => $"m{i}")], "s1", true);

        await PollAsync();

        Assert.Equal([4, 4, 2], _source.ApplyCalls.Select(c => c.Length));
        Assert.Equal(10L, (await ListenerAsync()).MessagesReceived);
    }

    [Fact]
    public async Task Invalid_sync_state_starts_over_and_records_nothing_twice()
    {
        _source.Pages[""] = (["a", "b"], "s1", true);
        await PollAsync();
        _source.InvalidStates.Add("s1");
        _source.Pages[""] = (["a", "b", "c"], "s2", true);

        await PollAsync();

        var listener = await ListenerAsync();
        Assert.Equal((3L, "s2", null), (listener.MessagesReceived, listener.SyncState, listener.LastError));
        Assert.Equal(3, await QueryAsync(db => db.ReceivedMessages.CountAsync(m => m.ListenerId == _listenerId, Ct)));
    }

    [Fact]
    public async Task A_poll_without_the_lease_saves_no_progress()
    {
        _source.Pages[""] = (["a"], "s1", true);
        await using (var scope = _core!.Scope())
        {
            await _core.Get<CredoDbContext>(scope).EmailListeners.Where(l => l.Id == _listenerId)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.LeaseOwner, "other-node").SetProperty(l => l.LeaseExpiresAt, _time.GetUtcNow().AddMinutes(1)), Ct);
            await _core.Get<ListenerPoller>(scope).PollAsync(_listenerId, Ct);
        }

        var listener = await ListenerAsync();
        Assert.Null(listener.SyncState);
        Assert.Contains("Another node", listener.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_ends_the_poll_as_an_error_after_two_quick_retries()
    {
        _source.Pages[""] = (["a"], "s1", true);
        var refused = new MailError(MailErrorKind.Transient, "Cannot connect to mail.example.test:993: the connection was refused.", "Check the host, port and security.");
        for (var i = 0; i < 5; i++)
        {
            _source.FailNextChanges(refused);
        }

        var started = _time.GetUtcNow();
        var poll = PollAsync();
        for (var i = 0; i < RequestRetry.QuickRetries; i++)
        {
            _time.Advance(await _time.NextWaitAsync());
        }

        await poll.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var listener = await ListenerAsync();
        Assert.Equal(3, _source.ChangesCalls.Count);
        Assert.Equal((refused.Message, refused.Hint, 1), (listener.LastError, listener.LastErrorHint, listener.ConsecutiveFailures));
        Assert.Equal(started, listener.FailingSince);
        Assert.True(_time.GetUtcNow() - started <= RequestRetry.QuickRetryWindow);

        // The next poll comes after about the poll interval (30 s, with jitter), not at once and not after minutes.
        Assert.InRange(listener.NextPollAt!.Value - _time.GetUtcNow(), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(30, 1, 30)]
    [InlineData(30, 2, 60)]
    [InlineData(30, 4, 240)]
    [InlineData(30, 9, 300)]
    [InlineData(600, 3, 600)]
    public void Failed_polls_back_off_from_the_interval_doubling_up_to_five_minutes(int intervalSeconds, int failures, int maxSeconds)
    {
        var wait = ListenerPoller.FailedPollWait(new EmailListener { PollIntervalSeconds = intervalSeconds }, failures, new MailError(MailErrorKind.Transient, "refused"), new ListenerOptions());

        Assert.InRange(wait, TimeSpan.FromSeconds(maxSeconds / 2.0), TimeSpan.FromSeconds(maxSeconds));
    }

    [Fact]
    public async Task A_server_that_refuses_its_own_state_after_a_resync_ends_the_poll_instead_of_looping()
    {
        _source.Pages[""] = (["a"], "s1", false);
        _source.InvalidStates.Add("s1");
        await using (var scope = _core!.Scope())
        {
            await _core.Get<CredoDbContext>(scope).EmailListeners.Where(l => l.Id == _listenerId)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.SyncState, "s1"), Ct);
        }

        await PollAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var listener = await ListenerAsync();
        Assert.Equal(["s1", "", "s1"], _source.ChangesCalls.Select(s => s ?? ""));
        Assert.Contains("refused its own sync state again right after a full resync", listener.LastError, StringComparison.Ordinal);
        Assert.Equal(1L, listener.MessagesReceived);
    }

    [Fact]
    public async Task A_poll_yields_after_its_page_bound_keeping_its_progress_and_the_next_goes_on_at_once()
    {
        for (var page = 0; page < 60; page++)
        {
            _source.Pages[page == 0 ? "" : $"s{page}"] = ([$"m{page}"], $"s{page + 1}", false);
        }

        await PollAsync().WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var listener = await ListenerAsync();
        Assert.Equal(new ListenerOptions().MaxPagesPerPoll, _source.ChangesCalls.Count);
        Assert.Equal(($"s{new ListenerOptions().MaxPagesPerPoll}", (long)new ListenerOptions().MaxPagesPerPoll, null), (listener.SyncState, listener.MessagesReceived, listener.LastError));
        Assert.Equal(_time.GetUtcNow(), listener.NextPollAt);
    }

    private async Task PollAsync()
    {
        await using var scope = _core!.Scope();
        Assert.True(await _core.Get<ListenerLease>(scope).TryAcquireAsync(_listenerId, Ct));
        await _core.Get<ListenerPoller>(scope).PollAsync(_listenerId, Ct);
    }

    private Task<EmailListener> ListenerAsync() => QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == _listenerId, Ct));

    private async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = _core!.Scope();
        return await query(_core.Get<CredoDbContext>(scope));
    }
}
