using System.Diagnostics;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Imap;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Credo.Core.Tests.Listeners.Sources.Imap;

/// <summary>
/// The running engine with IDLE against Dovecot: with a poll interval of five minutes, mail that arrives while Credo
/// idles is recorded at once; the IDLE connection ends when the listener is disabled and on shutdown.
/// </summary>
public sealed class ImapIdleTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-idle-").FullName;
    private ImapTestServers? _servers;
    private CoreServices? _core;
    private IHostedService[] _hosted = [];
    private Guid _listenerId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DovecotServer Dovecot => _servers!.Dovecot;

    public async ValueTask InitializeAsync()
    {
        _servers = await ImapTestServers.StartAsync(Ct);
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Path.Combine(_folder, "keys"),
            services =>
            {
                services.AddCredoListeners(runInBackground: true);
                services.Configure<ListenerOptions>(o => o.NodeName = "idle-node");
                services.Configure<ImapOptions>(o => o.IdleRestart = TimeSpan.FromSeconds(1));
            });

        await using (var scope = _core.Scope())
        {
            var credential = await _core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
            {
                Name = "Dovecot", ClientId = ImapTestServers.ClientId, ClientSecret = ImapTestServers.ClientSecret,
                TokenEndpoint = _servers.Sandbox.TokenEndpoint.AbsoluteUri, Scopes = ImapTestServers.Scope, ResourceHosts = "127.0.0.1",
            }, "tests", Ct);
            var listener = await _core.Get<ListenerService>(scope).CreateAsync(new ListenerInput
            {
                Name = "IDLE", Protocol = ImapProtocol.Id, Mailbox = ImapTestServers.Mailbox, CredentialId = credential.Value!.Id,
                PollIntervalSeconds = 300,
                Settings = ImapTestServers.Settings(Dovecot.PlainPort),
            }, "tests", Ct);
            _listenerId = listener.Value!.Id;
        }

        await using (var scope = _core.Scope())
        {
            _hosted = [.. scope.ServiceProvider.GetServices<IHostedService>()];
        }

        foreach (var service in _hosted)
        {
            await service.StartAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Mail_that_arrives_while_idling_is_recorded_long_before_the_poll_interval()
    {
        // The first poll finds nothing, then the pooled connection and the IDLE connection stay open.
        await WaitUntilAsync(async () => await Dovecot.ConnectionsAsync(Ct) == 2 && (await ListenerAsync()).LastPollAt is not null, "the first poll and the IDLE connection beside the pooled one");
        var polledAt = (await ListenerAsync()).LastPollAt;

        var arrived = Stopwatch.StartNew();
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);
        // The mail's transaction commits before the poll that recorded it writes its status, so wait for both.
        await WaitUntilAsync(
            async () => await QueryAsync(db => db.ReceivedMessages.CountAsync(m => m.ListenerId == _listenerId, Ct)) == 1 && (await ListenerAsync()).LastPollAt > polledAt,
            "the mail recorded by a poll after the first");
        arrived.Stop();

        // Without IDLE the next poll would come five minutes after the first.
        Assert.True(arrived.Elapsed < TimeSpan.FromMinutes(1), $"recorded after {arrived.Elapsed}");
        TestContext.Current.TestOutputHelper?.WriteLine($"IDLE: recorded {arrived.Elapsed.TotalMilliseconds:0} ms after delivery");
        Assert.Contains("\\Seen", Assert.Single((await Dovecot.FlagsAsync(ImapTestServers.Mailbox, cancellationToken: Ct)).Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_the_listener_ends_its_IDLE_connection_and_shutdown_ends_every_connection()
    {
        await WaitUntilAsync(async () => await Dovecot.ConnectionsAsync(Ct) == 2, "the IDLE connection beside the pooled one");

        await using (var scope = _core!.Scope())
        {
            var listener = await ListenerAsync();
            var input = ListenerInput.From(listener);
            input.Enabled = false;
            var changed = await _core.Get<ListenerService>(scope).UpdateAsync(_listenerId, listener.Version, input, "tests", Ct);
            Assert.Equal(ChangeStatus.Done, changed.Status);
        }

        await WaitUntilAsync(async () => await Dovecot.ConnectionsAsync(Ct) == 1, "only the pooled connection left");

        foreach (var service in _hosted)
        {
            await service.StopAsync(Ct);
        }

        _hosted = [];
        await _core.DisposeAsync();
        _core = null;
        await WaitUntilAsync(async () => await Dovecot.ConnectionsAsync(Ct) == 0, "no connection left");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("Waited a minute in vain for " + what);
    }

    private Task<EmailListener> ListenerAsync() => QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == _listenerId, Ct));

    private async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = _core!.Scope();
        return await query(_core.Get<CredoDbContext>(scope));
    }
}
