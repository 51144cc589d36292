using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// The engine on a real SQLite file with fake time and a tick of 10 s: a listener due between two ticks is polled at
/// its due time, not at the next tick; one claimed ahead of its due time is polled at once when it is woken, and not at
/// all when it was disabled meanwhile.
/// </summary>
public sealed class ListenerSchedulingTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(10);
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-scheduling-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedMailSource _source = new(new MailSourceCapabilities(PageSize: 100, FetchBatchSize: 10, ApplyBatchSize: 10, MaxConcurrentRequests: 1));
    private CoreServices? _core;
    private ListenerEngine? _engine;
    private Guid _listenerId;
    private Guid _credentialId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source.Pages[""] = ([], "s1", true);
        (_core, _credentialId, _listenerId) = await ScriptedListener.StartAsync(_folder, _time, _source, "Scheduled", o =>
        {
            o.NodeName = "test-node";
            o.Tick = Tick;
        });
        await using var scope = _core.Scope();

        // Due 3 s after the engine's first claim, long before its second; the wake-up of its creation is past.
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = _time.GetUtcNow().AddSeconds(3);
        await _core.Get<CredoDbContext>(scope).EmailListeners.ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, due), Ct);
        _engine = new ListenerEngine(
            _core.Get<IServiceScopeFactory>(scope), _core.Get<ListenerWakes>(scope), _core.Get<ListenerMetrics>(scope),
            _core.Get<IOptionsMonitor<ListenerOptions>>(scope), _time, NullLogger<ListenerEngine>.Instance);
        await _engine.StartAsync(Ct);
        await EventuallyAsync(async () => await LeaseOwnerAsync() == "test-node", "the first claim takes the listener due before the next tick");
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.StopAsync(CancellationToken.None);
            _engine.Dispose();
        }

        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_listener_due_between_two_ticks_is_polled_at_its_due_time()
    {
        await AdvanceAsync(TimeSpan.FromSeconds(2.9));
        Assert.Empty(_source.ChangesCalls);

        await AdvanceAsync(TimeSpan.FromSeconds(0.1));

        await EventuallyAsync(() => Task.FromResult(_source.ChangesCalls.Count == 1), "the poll at the due time, 7 s before the next tick");
    }

    [Fact]
    public async Task A_listener_claimed_before_its_due_time_is_polled_at_once_when_woken()
    {
        await using (var scope = _core!.Scope())
        {
            _core.Get<ListenerWakes>(scope).Wake(_listenerId, notified: false);
        }

        await EventuallyAsync(() => Task.FromResult(_source.ChangesCalls.Count == 1), "the poll right after the wake-up, with the clock standing still");
    }

    [Fact]
    public async Task A_listener_disabled_while_it_waits_for_its_due_time_is_not_polled_and_given_back()
    {
        await using (var scope = _core!.Scope())
        {
            var service = _core.Get<ListenerService>(scope);
            var version = (await service.FindAsync(_listenerId.ToString(), Ct))!.Version;
            var saved = await service.UpdateAsync(_listenerId, version, new ListenerInput
            {
                Name = "Scheduled", Mailbox = "box@scripted.test", CredentialId = _credentialId, PollIntervalSeconds = 30, Enabled = false,
            }, "tests", Ct);
            Assert.Equal(ChangeStatus.Done, saved.Status);
        }

        await EventuallyAsync(async () => await LeaseOwnerAsync() is null, "the claim given back");
        await AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.Empty(_source.ChangesCalls);
    }

    // Moves the fake clock in small steps, letting the engine's timers and the work they start run in between.
    private async Task AdvanceAsync(TimeSpan by)
    {
        var step = TimeSpan.FromMilliseconds(100);
        for (var left = by; left > TimeSpan.Zero; left -= step)
        {
            _time.Advance(left < step ? left : step);
            await Task.Delay(20, Ct);
        }
    }

    private async Task<string?> LeaseOwnerAsync()
    {
        await using var scope = _core!.Scope();
        return await _core.Get<CredoDbContext>(scope).EmailListeners.Where(l => l.Id == _listenerId).Select(l => l.LeaseOwner).SingleAsync(Ct);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }
}
