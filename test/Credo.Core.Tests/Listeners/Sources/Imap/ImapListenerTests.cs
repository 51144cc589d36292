using System.Diagnostics;
using System.Text;
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
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Credo.Core.Tests.Listeners.Sources.Imap;

/// <summary>
/// The engine with the IMAP source against a real Dovecot that checks the sandbox's tokens, on a real SQLite file: mail
/// is recorded once and processed as the listener says, a recreated folder is read again without doubles, a refused
/// token and an untrusted certificate become a readable status, and one pooled connection serves every poll.
/// </summary>
public sealed class ImapListenerTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-imap-").FullName;
    private readonly CapturedLogs _logs = new();
    private ImapTestServers? _servers;
    private CoreServices? _core;
    private Guid _credentialId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DovecotServer Dovecot => _servers!.Dovecot;

    public async ValueTask InitializeAsync() => _servers = await ImapTestServers.StartAsync(Ct);

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
    public async Task A_thousand_mails_are_recorded_once_each_and_marked_seen()
    {
        for (var i = 0; i < 1000; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i, withMessageId: i % 7 != 0, withAttachment: i % 5 == 0), cancellationToken: Ct);
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
        Assert.All(messages.Where(m => m.InternetMessageId is null), m => Assert.Matches(@"^imap:\d+:\d+$", m.ItemId));
        Assert.Equal(200, messages.Count(m => m.Attachments.Contains("report.pdf", StringComparison.Ordinal)));
        var flags = await Dovecot.FlagsAsync(ImapTestServers.Mailbox, cancellationToken: Ct);
        Assert.Equal(1000, flags.Count);
        Assert.All(flags.Values, f => Assert.Contains("\\Seen", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_poll_traces_each_imap_command_below_its_span_and_no_address()
    {
        for (var i = 0; i < 2; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync();
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var capture = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Credo.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(capture);

        await PollAsync(listenerId);

        // Other tests poll at the same time: only this poll's trace counts.
        var poll = Assert.Single(spans, s => s.OperationName == "credo.listener.poll" && Equals(s.GetTagItem("credo.listener.id"), listenerId.ToString()));
        var trace = spans.Where(s => s.TraceId == poll.TraceId).ToList();
        // Distinct: on a loaded machine a slow token answer can time out, and the retried request is a span of its own.
        Assert.Equal(
            ["IMAP UID FETCH", "IMAP UID SEARCH", "credo.listener.after_processing", "credo.listener.record", "credo.listener.token"],
            trace.Where(s => s.ParentSpanId == poll.SpanId).Select(s => s.DisplayName).Distinct().Order(StringComparer.Ordinal));
        var store = Assert.Single(trace, s => s.DisplayName == "IMAP UID STORE");
        Assert.Equal(Assert.Single(trace, s => s.OperationName == "credo.listener.after_processing").SpanId, store.ParentSpanId);
        Assert.All(trace.Where(s => s.Source.Name == "Credo.Imap"), s => Assert.Equal("IMAP", s.GetTagItem("credo.mail.protocol")));
        Assert.All(trace, s => Assert.DoesNotContain(
            ImapTestServers.Mailbox, string.Join(' ', s.TagObjects.Select(t => t.Value).Append(s.DisplayName)), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Fetching_alone_leaves_mail_unseen()
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(1), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync(l => l.AfterProcessing = AfterProcessing.None);

        await PollAsync(listenerId);

        Assert.Equal(1, await CountAsync(listenerId));
        Assert.DoesNotContain("\\Seen", Assert.Single((await Dovecot.FlagsAsync(ImapTestServers.Mailbox, cancellationToken: Ct)).Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Move_puts_processed_mail_into_the_folder_given_by_path()
    {
        await Dovecot.CreateFolderAsync(ImapTestServers.Mailbox, "INBOX.Processed", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync(l =>
        {
            l.AfterProcessing = AfterProcessing.Move;
            l.MoveToFolder = "Inbox/Processed";
        });
        await PollAsync(listenerId);

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(3, await CountAsync(listenerId));
        Assert.Equal(0, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
        Assert.Equal(3, await Dovecot.CountAsync(ImapTestServers.Mailbox, "INBOX.Processed", Ct));
    }

    [Fact]
    public async Task Delete_moves_processed_mail_to_the_trash_folder()
    {
        for (var i = 0; i < 3; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i), cancellationToken: Ct);
        }

        var listenerId = await CreateListenerAsync(l => l.AfterProcessing = AfterProcessing.Delete);
        await PollAsync(listenerId);

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(3, await CountAsync(listenerId));
        Assert.Equal(0, await Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
        Assert.Equal(3, await Dovecot.CountAsync(ImapTestServers.Mailbox, "Trash", Ct));
    }

    [Fact]
    public async Task A_recreated_folder_with_a_new_uidvalidity_is_read_again_without_doubles()
    {
        await Dovecot.CreateFolderAsync(ImapTestServers.Mailbox, "INBOX.Invoices", Ct);
        for (var i = 0; i < 5; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i), "INBOX.Invoices", Ct);
        }

        var listenerId = await CreateListenerAsync(l =>
        {
            l.Folder = "Inbox/Invoices";
            l.AfterProcessing = AfterProcessing.None;
        });
        await PollAsync(listenerId);
        var before = (await ListenerAsync(listenerId)).SyncState;

        await Dovecot.RecreateFolderAsync(ImapTestServers.Mailbox, "INBOX.Invoices", Ct);
        for (var i = 0; i < 6; i++)
        {
            await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i), "INBOX.Invoices", Ct);
        }

        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Null(listener.LastError);
        Assert.NotEqual(before!.Split(':')[1], listener.SyncState!.Split(':')[1]);
        Assert.Equal(6, await CountAsync(listenerId));
    }

    [Fact]
    public async Task A_token_the_server_refuses_sets_the_listener_status_with_the_hint()
    {
        // The token names box@credo.test; Dovecot refuses it for any other user.
        var listenerId = await CreateListenerAsync(l => l.Settings.Set(ImapProtocol.Id, "userName", "someone.else@credo.test"));

        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Contains("AUTHENTICATE failed", listener.LastError, StringComparison.Ordinal);
        Assert.Contains("someone.else@credo.test", listener.LastError, StringComparison.Ordinal);
        Assert.Contains("IMAP.AccessAsApp", listener.LastErrorHint, StringComparison.Ordinal);
        Assert.Contains("Add-MailboxPermission", listener.LastErrorHint, StringComparison.Ordinal);
        Assert.Equal(1, listener.ConsecutiveFailures);

        // The refusal was logged (the token renewed once), but never a token: the sandbox's are JWTs.
        Assert.Contains(_logs.Lines, l => l.Contains("refused the token for someone.else@credo.test", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("eyJ", StringComparison.Ordinal));
        Assert.DoesNotContain("eyJ", listener.LastError + listener.LastErrorHint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_that_expires_while_connected_is_renewed_by_reconnecting()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(1), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync(time: time);
        await PollAsync(listenerId);
        Assert.Equal(1, await Dovecot.LoginsAsync(Ct));

        // Dovecot keeps a session whose token has expired; Credo does not rely on it and logs in again with a new one.
        time.Advance(TimeSpan.FromHours(2));
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(2), cancellationToken: Ct);
        await PollAsync(listenerId);

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(2, await CountAsync(listenerId));
        Assert.Equal(2, await Dovecot.LoginsAsync(Ct));
        Assert.Equal(1, await Dovecot.ConnectionsAsync(Ct));
    }

    [Fact]
    public async Task One_pooled_connection_serves_a_hundred_polls()
    {
        var listenerId = await CreateListenerAsync();
        for (var i = 0; i < 100; i++)
        {
            if (i % 10 == 0)
            {
                await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(i), cancellationToken: Ct);
            }

            await PollAsync(listenerId);
        }

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(10, await CountAsync(listenerId));
        Assert.Equal(1, await Dovecot.ConnectionsAsync(Ct));
        Assert.Equal(1, await Dovecot.LoginsAsync(Ct));
    }

    [Theory]
    [InlineData(ImapSecurity.Tls, ImapSasl.XOAuth2)]
    [InlineData(ImapSecurity.Tls, ImapSasl.OAuthBearer)]
    [InlineData(ImapSecurity.StartTls, ImapSasl.XOAuth2)]
    [InlineData(ImapSecurity.StartTls, ImapSasl.OAuthBearer)]
    [InlineData(ImapSecurity.None, ImapSasl.OAuthBearer)]
    public async Task Mail_is_read_over_each_security_with_each_sasl_mechanism(ImapSecurity security, ImapSasl sasl)
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(1), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync(l =>
        {
            l.Settings = ImapTestServers.Settings(security == ImapSecurity.Tls ? Dovecot.TlsPort : Dovecot.PlainPort, security).Set(ImapProtocol.Id, "sasl", sasl);
        });

        await PollAsync(listenerId);

        Assert.Null((await ListenerAsync(listenerId)).LastError);
        Assert.Equal(1, await CountAsync(listenerId));
        Assert.Contains($"method={(sasl == ImapSasl.XOAuth2 ? "XOAUTH2" : "OAUTHBEARER")}", await Dovecot.ReadLogAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_fails_naming_the_tls_stage_and_the_certificate()
    {
        var listenerId = await CreateListenerAsync(l =>
        {
            l.Settings = ImapTestServers.Settings(Dovecot.TlsPort, ImapSecurity.Tls);
        }, trustCertificate: false);

        await PollAsync(listenerId);

        var listener = await ListenerAsync(listenerId);
        Assert.Contains("implicit TLS", listener.LastError, StringComparison.Ordinal);
        Assert.Contains("CN=dovecot.credo.test", listener.LastError, StringComparison.Ordinal);
        Assert.NotNull(listener.LastErrorHint);
        Assert.Equal(0, await Dovecot.LoginsAsync(Ct));
    }

    [Fact]
    public async Task Test_connection_counts_the_messages_of_the_folder()
    {
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(1), cancellationToken: Ct);
        await Dovecot.DeliverAsync(ImapTestServers.Mailbox, Mail(2), cancellationToken: Ct);
        var listenerId = await CreateListenerAsync();

        await using var scope = _core!.Scope();
        var steps = await _core.Get<ConnectionTest>(scope).RunAsync(listenerId, "tests", Ct);

        Assert.NotNull(steps);
        Assert.All(steps, s => Assert.True(s.Succeeded, $"{s.Name}: {s.Detail}"));
        Assert.Contains(steps, s => s.Detail.Contains("2 message(s), 2 unseen", StringComparison.Ordinal));
    }

    internal static byte[] Mail(int i, bool withMessageId = true, bool withAttachment = false)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender " + i, $"sender{i}@example.test"));
        message.To.Add(new MailboxAddress("Box", ImapTestServers.Mailbox));
        message.Subject = $"Mail {i}";
        message.MessageId = $"mail-{i}@imap.credo.test";
        var body = new BodyBuilder { TextBody = $"Body of mail {i}." };
        if (withAttachment)
        {
            body.Attachments.Add("report.pdf", Encoding.ASCII.GetBytes(new string('x', 2048)), new ContentType("application", "pdf"));
        }

        message.Body = body.ToMessageBody();
        if (!withMessageId)
        {
            message.Headers.Remove(HeaderId.MessageId);
        }

        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private async Task<Guid> CreateListenerAsync(Action<ListenerInput>? configure = null, bool trustCertificate = true, TimeProvider? time = null)
    {
        var thumbprint = Dovecot.Certificate.Thumbprint;
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Path.Combine(_folder, "keys"),
            services =>
            {
                services.AddCredoListeners(runInBackground: false);
                services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
                services.Configure<ListenerOptions>(o => o.NodeName = "test-node");
                services.Configure<ImapOptions>(o =>
                {
                    o.CertificateValidation = trustCertificate
                        ? (_, certificate, _, _) => certificate is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).Thumbprint == thumbprint
                        : null;

                    // With a clock that jumps, only the token may end a pooled connection.
                    o.PooledConnectionIdleTimeout = time is null ? o.PooledConnectionIdleTimeout : TimeSpan.FromDays(1);
                });
                if (time is not null)
                {
                    services.Replace(ServiceDescriptor.Singleton(time));
                }
            });

        await using var scope = _core.Scope();
        var credential = await _core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Dovecot", ClientId = ImapTestServers.ClientId, ClientSecret = ImapTestServers.ClientSecret,
            TokenEndpoint = _servers!.Sandbox.TokenEndpoint.AbsoluteUri, Scopes = ImapTestServers.Scope, ResourceHosts = "127.0.0.1",
        }, "tests", Ct);
        _credentialId = credential.Value!.Id;
        var input = new ListenerInput
        {
            Name = "IMAP", Protocol = ImapProtocol.Id, Mailbox = ImapTestServers.Mailbox, CredentialId = _credentialId, PollIntervalSeconds = 30,
            Settings = ImapTestServers.Settings(Dovecot.PlainPort),
        };
        configure?.Invoke(input);
        var listener = await _core.Get<ListenerService>(scope).CreateAsync(input, "tests", Ct);
        Assert.True(listener.Value is not null, string.Join("; ", listener.Errors?.Select(e => $"{e.Key}: {e.Value}") ?? []));
        return listener.Value.Id;
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
