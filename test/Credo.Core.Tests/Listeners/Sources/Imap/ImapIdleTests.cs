using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Imap;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Tests.Listeners.Sources.Imap;

/// <summary>
/// The running engine with IDLE against Dovecot, with a poll interval of an hour (so only IDLE can make a listener poll
/// again): each listener idles on the one connection it polls on; new mail makes it poll at once and then idle again; a
/// connection that breaks, or whose token is about to expire, is reopened; beyond Credo:Imap:MaxIdleConnections listeners
/// poll at their interval and the operator is told; a disabled listener's connection and, on shutdown, every connection
/// are closed.
/// </summary>
public sealed class ImapIdleTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-idle-").FullName;
    private readonly CapturedLogs _logs = new();
    private readonly List<Guid> _listenerIds = [];
    private ImapTestServers? _servers;
    private CoreServices? _core;
    private IHostedService[] _hosted = [];
    private ImapMailSource? _source;
    private System.Diagnostics.Metrics.IMeterFactory? _meters;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DovecotServer Dovecot => _servers!.Dovecot;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        SqliteConnection.ClearAllPools();
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Mail_that_arrives_while_idling_is_recorded_over_the_one_connection_that_polls_and_idles_again()
    {
        await StartAsync(["INBOX"]);
        var listenerId = _listenerIds[0];
        await WaitUntilAsync(async () => Source.IdleConnections == 1 && (await ListenerAsync(listenerId)).LastPollAt is not null, "the first poll, then IDLE");
        Assert.Equal(1, await Dovecot.ConnectionsAsync(Ct));

        for (var i = 1; i <= 2; i++)
        {
            var polledAt = (await ListenerAsync(listenerId)).LastPollAt;
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(i), cancellationToken: Ct);

            // The poll interval is an hour: only IDLE can make the listener poll again now. The mail's transaction commits
            // before the poll that recorded it writes its status, so wait for both.
            await WaitUntilAsync(
                async () => await CountAsync(listenerId) == i && (await ListenerAsync(listenerId)).LastPollAt > polledAt && Source.IdleConnections == 1,
                $"mail {i} recorded by a poll that IDLE woke, then IDLE again");
        }

        // One connection, logged in once, carried both IDLEs and the polls between them.
        Assert.Equal(1, await Dovecot.ConnectionsAsync(Ct));
        Assert.Equal(1, await Dovecot.LoginsAsync(Ct));
        Assert.All((await Dovecot.FlagsAsync(ImapTestServers.Mailbox, cancellationToken: Ct)).Values, f => Assert.Contains("\\Seen", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Beyond_max_idle_connections_listeners_poll_at_their_interval_and_the_operator_is_told_once()
    {
        string[] folders = ["INBOX", "INBOX.Second", "INBOX.Third"];
        await StartAsync(folders, imap => imap.MaxIdleConnections = 1);
        using var overCap = new MetricCollector<int>(_meters!, "Credo.Imap", "credo.imap.idle.over_cap");
        using var idle = new MetricCollector<int>(_meters!, "Credo.Imap", "credo.imap.idle.connections");
        await WaitUntilAsync(async () => (await PolledAsync()) == 3 && Source.IdleConnections == 1, "three first polls, one listener in IDLE");

        overCap.RecordObservableInstruments();
        idle.RecordObservableInstruments();
        Assert.Equal(2, overCap.LastMeasurement?.Value);
        Assert.Equal(1, idle.LastMeasurement?.Value);
        Assert.Single(_logs.Lines, l => l.Contains("Warning", StringComparison.Ordinal) && l.Contains("as many as Credo:Imap:MaxIdleConnections allows", StringComparison.Ordinal));

        // Each listener keeps its one pooled connection; none has a second.
        Assert.Equal(3, await Dovecot.ConnectionsAsync(Ct));

        // Mail for all three: with an hour's interval, only the one in IDLE records its mail now.
        foreach (var folder in folders)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(folder.Length), folder, Ct);
        }

        await WaitUntilAsync(async () => await QueryAsync(db => db.ReceivedMessages.CountAsync(Ct)) == 1 && Source.IdleConnections == 1, "the idling listener's mail");
    }

    [Fact]
    public async Task A_connection_that_breaks_while_idling_is_reopened_and_mail_meanwhile_still_wakes_the_listener()
    {
        await StartAsync(["INBOX"]);
        var listenerId = _listenerIds[0];
        await WaitUntilAsync(async () => Source.IdleConnections == 1 && await Dovecot.LoginsAsync(Ct) == 1, "IDLE");

        await Dovecot.DoveadmAsync(Ct, "kick", ImapTestServers.Mailbox);
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);

        await WaitUntilAsync(async () => await CountAsync(listenerId) == 1 && Source.IdleConnections == 1, "the mail, then IDLE on a reopened connection");
        Assert.Equal(2, await Dovecot.LoginsAsync(Ct));
        Assert.Equal(1, await Dovecot.ConnectionsAsync(Ct));
        Assert.Contains(_logs.Lines, l => l.Contains("the connection broke while idling", StringComparison.Ordinal) || l.Contains("the server closed it", StringComparison.Ordinal));
        Assert.Null((await ListenerAsync(listenerId)).LastError);
    }

    [Fact]
    public async Task An_idle_connection_is_reopened_with_a_fresh_token_before_its_token_expires()
    {
        // Dovecot keeps a session whose token has expired, Exchange Online does not: Credo reopens it before it expires.
        // Tokens of 40 s: the cache has the next one 20 s before expiry, and the connection is reopened 10 s before.
        await StartAsync(["INBOX"], tokenLifetime: TimeSpan.FromSeconds(40));
        var listenerId = _listenerIds[0];
        await WaitUntilAsync(async () => Source.IdleConnections == 1 && await Dovecot.LoginsAsync(Ct) >= 2, "a second login while idling", minutes: 2);
        Assert.Equal(1, await Dovecot.ConnectionsAsync(Ct));
        Assert.Contains(_logs.Lines, l => l.Contains("its token is about to expire", StringComparison.Ordinal));

        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);
        await WaitUntilAsync(async () => await CountAsync(listenerId) == 1, "the mail, over the reopened connection");
        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("eyJ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disabling_the_listener_closes_its_connection_and_shutdown_ends_every_connection()
    {
        await StartAsync(["INBOX", "INBOX.Second"], imap => imap.IdleRestart = TimeSpan.FromSeconds(1));
        await WaitUntilAsync(async () => Source.IdleConnections == 2 && await Dovecot.ConnectionsAsync(Ct) == 2, "two listeners in IDLE");

        await using (var scope = _core!.Scope())
        {
            var listener = await ListenerAsync(_listenerIds[0]);
            var input = ListenerInput.From(listener);
            input.Enabled = false;
            var changed = await _core.Get<ListenerService>(scope).UpdateAsync(listener.Id, listener.Version, input, "tests", Ct);
            Assert.Equal(ChangeStatus.Done, changed.Status);
        }

        // The next IDLE restart asks whether the listener is still wanted: it is not, and its only connection closes.
        await WaitUntilAsync(async () => await Dovecot.ConnectionsAsync(Ct) == 1 && Source.IdleConnections == 1, "only the enabled listener's connection left");

        await StopAsync();
        await WaitUntilAsync(async () => await Dovecot.ConnectionsAsync(Ct) == 0, "no connection left");
    }

    private ImapMailSource Source => _source!;

    private async Task StartAsync(string[] folders, Action<ImapOptions>? imap = null, TimeSpan? tokenLifetime = null)
    {
        _servers = await ImapTestServers.StartAsync(Ct, tokenLifetime);
        foreach (var folder in folders.Where(f => f != "INBOX"))
        {
            await Dovecot.CreateFolderAsync(ImapTestServers.Mailbox, folder, Ct);
        }

        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Path.Combine(_folder, "keys"),
            services =>
            {
                services.AddCredoListeners(runInBackground: true);
                services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
                services.Configure<ListenerOptions>(o => o.NodeName = "idle-node");
                services.Configure<ImapOptions>(o => imap?.Invoke(o));
            });

        await using (var scope = _core.Scope())
        {
            var credential = await _core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
            {
                Name = "Dovecot", ClientId = ImapTestServers.ClientId, ClientSecret = ImapTestServers.ClientSecret,
                TokenEndpoint = _servers.Sandbox.TokenEndpoint.AbsoluteUri, Scopes = ImapTestServers.Scope, ResourceHosts = "127.0.0.1",
            }, "tests", Ct);
            foreach (var folder in folders)
            {
                var listener = await _core.Get<ListenerService>(scope).CreateAsync(new ListenerInput
                {
                    Name = "IDLE " + folder, Protocol = ImapProtocol.Id, Mailbox = ImapTestServers.Mailbox, CredentialId = credential.Value!.Id,
                    Folder = folder == "INBOX" ? "Inbox" : "Inbox/" + folder["INBOX.".Length..],
                    PollIntervalSeconds = 3600,
                    Settings = ImapTestServers.Settings(Dovecot.PlainPort),
                }, "tests", Ct);
                Assert.True(listener.Value is not null, string.Join("; ", listener.Errors?.Select(e => $"{e.Key}: {e.Value}") ?? []));
                _listenerIds.Add(listener.Value.Id);
            }
        }

        await using (var scope = _core.Scope())
        {
            _hosted = [.. scope.ServiceProvider.GetServices<IHostedService>()];
            _source = scope.ServiceProvider.GetServices<IMailSource>().OfType<ImapMailSource>().Single();
            _meters = scope.ServiceProvider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        }

        foreach (var service in _hosted)
        {
            await service.StartAsync(Ct);
        }
    }

    private async Task StopAsync()
    {
        foreach (var service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        _hosted = [];
        if (_core is not null)
        {
            await _core.DisposeAsync();
            _core = null;
        }
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int minutes = 1)
    {
        for (var i = 0; i < minutes * 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"Waited {minutes} minute(s) in vain for {what}; the log:\n{string.Join('\n', _logs.Lines.Where(l => (l.Contains("IMAP", StringComparison.Ordinal) || l.Contains("Listeners.Engine", StringComparison.Ordinal)) && !l.Contains("DbCommand", StringComparison.Ordinal)).TakeLast(60))}");
    }

    private Task<int> PolledAsync() => QueryAsync(db => db.EmailListeners.CountAsync(l => l.LastPollAt != null, Ct));

    private Task<int> CountAsync(Guid id) => QueryAsync(db => db.ReceivedMessages.CountAsync(m => m.ListenerId == id, Ct));

    private Task<EmailListener> ListenerAsync(Guid id) => QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == id, Ct));

    private async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = _core!.Scope();
        return await query(_core.Get<CredoDbContext>(scope));
    }
}
