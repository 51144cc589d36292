using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Pop3;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Tests.Listeners.Sources.Imap;
using Credo.Pop3;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Tests.Listeners.Sources.Pop3;

/// <summary>
/// The engine with the POP3 source against a real Dovecot that checks the sandbox's tokens, on a real SQLite file: mail
/// is recorded once each, deleted or left as the listener says, the sync state stays as small as the mailbox, and a
/// token that expires between polls is renewed.
/// </summary>
public sealed class Pop3ListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-pop3-").FullName;
    private readonly CapturedLogs _logs = new();
    private ImapTestServers? _servers;
    private CoreServices? _core;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DovecotServer Dovecot => _servers!.Dovecot;

    public async ValueTask InitializeAsync() => _servers = await ImapTestServers.StartAsync(Ct, TokenLifetime);

    public async ValueTask DisposeAsync()
    {
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
    public async Task A_thousand_mails_are_recorded_once_each_and_deleted_from_the_server()
    {
        for (var i = 0; i < 1000; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(i, withMessageId: i % 7 != 0, withAttachment: i % 5 == 0), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync();
        await PollAsync(listenerId);
        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Null(listener.LastError);
        var messages = await QueryAsync(db => db.ReceivedMessages.AsNoTracking().Where(m => m.ListenerId == listenerId).ToListAsync(Ct));
        Assert.Equal(1000, messages.Count);
        Assert.Equal(1000, messages.Select(m => m.Subject).Distinct().Count());
        Assert.Equal(1000 - (1000 / 7 + 1), messages.Count(m => m.InternetMessageId is not null));
        Assert.Equal(200, messages.Count(m => m.Attachments.Contains("report.pdf", StringComparison.Ordinal)));
        Assert.Equal(0, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));

        // One session a poll, and the second found the mailbox empty: its sync state holds nothing.
        Assert.Equal(2, await Dovecot.Pop3LoginsAsync(Ct));
        Assert.Equal("p1d:", listener.SyncState);
    }

    [Theory]
    [InlineData(Pop3Security.Tls, Pop3Sasl.OAuthBearer)]
    [InlineData(Pop3Security.StartTls, Pop3Sasl.XOAuth2)]
    public async Task Mail_is_read_over_tls_with_either_sasl_mechanism(Pop3Security security, Pop3Sasl sasl)
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync(l => l.Settings = Settings(security == Pop3Security.Tls ? Dovecot.Pop3TlsPort : Dovecot.Pop3PlainPort, security).Set(Pop3Protocol.Id, "sasl", sasl));

        await PollAsync(listenerId);

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(1, await CountAsync(listenerId));
        Assert.Contains($"method={(sasl == Pop3Sasl.XOAuth2 ? "XOAUTH2" : "OAUTHBEARER")}", await Dovecot.ReadLogAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_left_unchanged_is_recorded_once_and_the_sync_state_is_as_small_as_the_mailbox()
    {
        for (var i = 0; i < 20; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(i, withMessageId: i % 2 == 0), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync(l => l.AfterProcessing = AfterProcessing.None);
        await PollAsync(listenerId);
        await PollAsync(listenerId);
        Assert.Equal(20, await CountAsync(listenerId));
        Assert.Equal(20, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));

        // Eight bytes a mail, whatever its UIDL.
        Assert.Equal("p1:".Length + (20 * 8 + 2) / 3 * 4, (await ListenerAsync(listenerId)).SyncState!.Length);

        // Mail deleted by someone else drops out of the state; new mail is recorded.
        await Dovecot.DoveadmAsync(Ct, "expunge", "-u", ImapTestServers.Mailbox, "mailbox", "INBOX", "all");
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(20), cancellationToken: Ct);
        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Null(listener.LastError);
        Assert.Equal(21, await CountAsync(listenerId));
        Assert.Equal("p1:".Length + 12, listener.SyncState!.Length);
    }

    [Fact]
    public async Task Mail_the_filters_skip_is_never_deleted_and_after_a_restart_is_read_again_once_but_kept()
    {
        for (var i = 0; i < 10; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(i, withAttachment: i % 2 == 0), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync(l => l.OnlyWithAttachments = true);
        await PollAsync(listenerId);
        await PollAsync(listenerId);
        Assert.Equal(5, await CountAsync(listenerId));
        Assert.Equal(5, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));

        // A new process does not know that the last QUIT was accepted: it reads the processed mail still there once more,
        // and the filters skip it again, so it stays.
        await _core!.DisposeAsync();
        _core = await StartCoreAsync();
        await PollAsync(listenerId);
        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Null(listener.LastError);
        Assert.Equal(5, await CountAsync(listenerId));
        Assert.Equal(5, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
        var recorded = await QueryAsync(db => db.ReceivedMessages.AsNoTracking().Where(m => m.ListenerId == listenerId).Select(m => m.Subject).ToListAsync(Ct));
        Assert.Equal(["Mail 0", "Mail 2", "Mail 4", "Mail 6", "Mail 8"], recorded.Order());
    }

    [Fact]
    public async Task Switching_from_leave_unchanged_to_delete_deletes_only_mail_recorded_from_then_on()
    {
        for (var i = 0; i < 3; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(i), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync(l => l.AfterProcessing = AfterProcessing.None);
        await PollAsync(listenerId);
        await using (var scope = _core!.Scope())
        {
            var service = _core.Get<ListenerService>(scope);
            var listener = (await service.FindAsync(listenerId.ToString(), Ct))!;
            var input = ListenerInput.From(listener);
            input.AfterProcessing = AfterProcessing.Delete;
            Assert.Equal(ChangeStatus.Done, (await service.UpdateAsync(listenerId, listener.Version, input, "tests", Ct)).Status);
        }

        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(3), cancellationToken: Ct);
        await PollAsync(listenerId);

        Assert.Equal(4, await CountAsync(listenerId));
        Assert.Equal(3, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_token_that_expires_between_polls_is_renewed_before_signing_in()
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync();
        await PollAsync(listenerId);

        // The sandbox's tokens live three seconds: Dovecot would refuse the first one now.
        await Task.Delay(TokenLifetime + TimeSpan.FromSeconds(1), Ct);
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(2), cancellationToken: Ct);
        await PollAsync(listenerId);

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(2, await CountAsync(listenerId));
        Assert.Equal(2, await Dovecot.Pop3LoginsAsync(Ct));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("refused", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_token_the_server_refuses_sets_the_listener_status_and_deletes_nothing()
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);

        // The token names box@credo.test; Dovecot refuses it for any other user.
        var listenerId = await CreateListenerAsync(l => l.Settings.Set(Pop3Protocol.Id, "userName", "someone.else@credo.test"));
        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Contains("someone.else@credo.test", listener.LastError, StringComparison.Ordinal);
        Assert.NotNull(listener.LastErrorHint);
        Assert.Equal(0, await CountAsync(listenerId));
        Assert.Equal(1, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
    }

    [Fact]
    public async Task Test_connection_counts_the_messages_and_changes_nothing()
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(1), cancellationToken: Ct);
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, ImapListenerTests.Mail(2), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync();

        await using var scope = _core!.Scope();
        var steps = await _core.Get<ConnectionTest>(scope).RunAsync(listenerId, "tests", Ct);

        Assert.NotNull(steps);
        Assert.All(steps, s => Assert.True(s.Succeeded, $"{s.Name}: {s.Detail}"));
        Assert.Contains(steps, s => s.Detail.Contains($"{ImapTestServers.Mailbox} on 127.0.0.1:{Dovecot.Pop3PlainPort}: 2 message(s)", StringComparison.Ordinal));
        Assert.Equal(2, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
    }

    private static ListenerSettings Settings(int port, Pop3Security security = Pop3Security.None) =>
        new ListenerSettings().Set(Pop3Protocol.Id, "host", "127.0.0.1").Set(Pop3Protocol.Id, "port", port).Set(Pop3Protocol.Id, "security", security);

    private async Task<Guid> CreateListenerAsync(Action<ListenerInput>? configure = null)
    {
        _core = await StartCoreAsync();
        await using var scope = _core.Scope();
        var credential = await _core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Dovecot", ClientId = ImapTestServers.ClientId, ClientSecret = ImapTestServers.ClientSecret,
            TokenEndpoint = _servers!.Sandbox.TokenEndpoint.AbsoluteUri, Scopes = ImapTestServers.Scope, ResourceHosts = "127.0.0.1",
        }, "tests", Ct);
        var input = new ListenerInput
        {
            Name = "POP3", Protocol = Pop3Protocol.Id, Mailbox = ImapTestServers.Mailbox, CredentialId = credential.Value!.Id, PollIntervalSeconds = 30,
            AfterProcessing = AfterProcessing.Delete, Settings = Settings(Dovecot.Pop3PlainPort),
        };
        configure?.Invoke(input);
        var listener = await _core.Get<ListenerService>(scope).CreateAsync(input, "tests", Ct);
        Assert.True(listener.Value is not null, string.Join("; ", listener.Errors?.Select(e => $"{e.Key}: {e.Value}") ?? []));
        return listener.Value.Id;
    }

    private Task<CoreServices> StartCoreAsync()
    {
        var thumbprint = Dovecot.Certificate.Thumbprint;
        return CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Path.Combine(_folder, "keys"),
            services =>
            {
                services.AddCredoListeners(runInBackground: false);
                services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
                services.Configure<ListenerOptions>(o => o.NodeName = "test-node");
                services.Configure<Pop3Options>(o => o.CertificateValidation = (_, certificate, _, _) =>
                    certificate is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).Thumbprint == thumbprint);
            });
    }

    private async Task PollAsync(Guid listenerId)
    {
        await using var scope = _core!.Scope();
        Assert.True(await _core.Get<ListenerLease>(scope).TryAcquireAsync(listenerId, Ct));
        await _core.Get<ListenerPoller>(scope).PollAsync(listenerId, Ct);
    }

    private Task<EmailListener> ListenerAsync(Guid id) => QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == id, Ct));

    private Task<int> CountAsync(Guid id) => QueryAsync(db => db.ReceivedMessages.CountAsync(m => m.ListenerId == id, Ct));

    private async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = _core!.Scope();
        return await query(_core.Get<CredoDbContext>(scope));
    }
}
