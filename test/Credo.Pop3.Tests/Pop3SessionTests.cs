using System.Diagnostics;
using Credo.Pop3.Tests.Infrastructure;

namespace Credo.Pop3.Tests;

/// <summary>
/// Sessions against a real Dovecot that checks the sandbox's tokens by introspection: mail is listed by UIDL, fetched
/// whole and deleted only by QUIT, over each security and SASL mechanism; a refused token, an untrusted certificate and a
/// thousand mails behave as a mail source needs.
/// </summary>
public sealed class Pop3SessionTests : IAsyncLifetime
{
    private Pop3TestServers? _servers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Pop3TestServers Servers => _servers!;

    private DovecotServer Dovecot => Servers.Dovecot;

    public async ValueTask InitializeAsync() => _servers = await Pop3TestServers.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(Pop3Security.Tls, Pop3Sasl.XOAuth2)]
    [InlineData(Pop3Security.Tls, Pop3Sasl.OAuthBearer)]
    [InlineData(Pop3Security.StartTls, Pop3Sasl.XOAuth2)]
    [InlineData(Pop3Security.StartTls, Pop3Sasl.OAuthBearer)]
    [InlineData(Pop3Security.None, Pop3Sasl.XOAuth2)]
    [InlineData(Pop3Security.None, Pop3Sasl.OAuthBearer)]
    public async Task Mail_is_listed_fetched_and_deleted_over_each_security_with_each_sasl_mechanism(Pop3Security security, Pop3Sasl sasl)
    {
        await Servers.DeliverAsync(3);

        var endpoint = Servers.Endpoint(security, sasl);
        await using (var sut = await Servers.SessionAsync(endpoint))
        {
            var listed = Assert.IsType<IReadOnlyList<Pop3MessageInfo>>((await sut.ListAsync(Ct)).Value, exactMatch: false);
            Assert.Equal([0, 1, 2], listed.Select(m => m.Index));
            Assert.Equal(3, listed.Select(m => m.Uidl).Distinct().Count());
            Assert.All(listed, m => Assert.Equal(Pop3TestServers.Mail(m.Index).Length, m.Size));
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(Pop3TestServers.Mail(i), (await sut.FetchAsync(i, Ct)).Value);
            }

            Assert.Equal(2, (await sut.DeleteAsync([0, 2], Ct)).Value);
            Assert.Equal(2, (await sut.QuitAsync(Ct)).Value);
        }

        Assert.Equal(1, await Dovecot.CountAsync(Pop3TestServers.Mailbox, cancellationToken: Ct));
        await using (var after = await Servers.SessionAsync(endpoint))
        {
            Assert.Equal(Pop3TestServers.Mail(1), (await after.FetchAsync(Assert.Single((await after.ListAsync(Ct)).Value!).Index, Ct)).Value);
        }

        var logins = await Dovecot.LogLinesWithAsync("pop3-login: Info: Login:", Ct);
        Assert.Equal(2, logins.Count);
        Assert.All(logins, l => Assert.Contains($"method={(sasl == Pop3Sasl.XOAuth2 ? "XOAUTH2" : "OAUTHBEARER")}", l, StringComparison.Ordinal));
        Assert.All(logins, l => Assert.Equal(security != Pop3Security.None, l.Contains(", TLS", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_uidl_names_the_same_message_in_every_session_while_its_index_changes()
    {
        await Servers.DeliverAsync(3);
        Dictionary<string, byte[]> first = [];
        await using (var sut = await Servers.SessionAsync())
        {
            foreach (var message in (await sut.ListAsync(Ct)).Value!)
            {
                first[message.Uidl] = (await sut.FetchAsync(message.Index, Ct)).Value!;
            }

            // The first message goes, so every later one moves up a place in the next session.
            await sut.DeleteAsync([0], Ct);
            Assert.True((await sut.QuitAsync(Ct)).Succeeded);
        }

        await Servers.DeliverAsync(1, first: 3);
        await using (var sut = await Servers.SessionAsync())
        {
            var second = (await sut.ListAsync(Ct)).Value!;
            Assert.Equal(3, second.Count);
            var known = second.Where(m => first.ContainsKey(m.Uidl)).ToList();
            Assert.Equal(2, known.Count);
            foreach (var message in known)
            {
                Assert.Equal(first[message.Uidl], (await sut.FetchAsync(message.Index, Ct)).Value);
            }

            Assert.Equal(Pop3TestServers.Mail(3), (await sut.FetchAsync(Assert.Single(second, m => !first.ContainsKey(m.Uidl)).Index, Ct)).Value);
        }
    }

    [Fact]
    public async Task Messages_marked_for_deletion_stay_when_the_session_ends_without_quit()
    {
        await Servers.DeliverAsync(3);
        IReadOnlyList<Pop3MessageInfo> before;
        await using (var sut = await Servers.SessionAsync())
        {
            before = (await sut.ListAsync(Ct)).Value!;
            Assert.Equal(3, (await sut.DeleteAsync([0, 1, 2], Ct)).Value);

            // Marking again marks nothing more, and sends nothing the server would refuse.
            Assert.Equal(0, (await sut.DeleteAsync([1], Ct)).Value);
        }

        Assert.Equal(3, await Dovecot.CountAsync(Pop3TestServers.Mailbox, cancellationToken: Ct));
        await using (var next = await Servers.SessionAsync())
        {
            Assert.Equal(before.Select(m => m.Uidl), (await next.ListAsync(Ct)).Value!.Select(m => m.Uidl));
        }

        Assert.Contains(Servers.Logs.GetSnapshot(), r => r.Message.Contains("closed without QUIT for box@credo.test; 3 message(s) marked", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Pop3Sasl.XOAuth2)]
    [InlineData(Pop3Sasl.OAuthBearer)]
    public async Task A_token_the_server_refuses_is_renewed_once_then_an_authentication_error_with_the_hint_and_no_token(Pop3Sasl sasl)
    {
        var tokens = Servers.Tokens();

        // The token names box@credo.test; Dovecot refuses it for any other user.
        var result = await Pop3Session.OpenAsync(Servers.Endpoint(sasl: sasl, user: "someone.else@credo.test"), tokens, Servers.Guard, Servers.Options, Servers.Logger, Ct);

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.True(error.Kind == Pop3ErrorKind.Authentication, error.Message);
        Assert.Contains($"AUTH {(sasl == Pop3Sasl.XOAuth2 ? "XOAUTH2" : "OAUTHBEARER")} failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"status\":", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{Dovecot.Pop3PlainPort}", error.Message, StringComparison.Ordinal);
        Assert.Contains("someone.else@credo.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("POP.AccessAsApp", error.Hint, StringComparison.Ordinal);
        Assert.Contains("user name", error.Hint, StringComparison.Ordinal);
        Assert.Equal(2, tokens.Requests);
        Assert.Equal(2, tokens.Rejected);
        Assert.Equal(2, tokens.Issued.Distinct().Count());
        Assert.Equal(0, await Dovecot.Pop3LoginsAsync(Ct));

        // Never a token, in the error or in any log line (the sandbox's tokens are JWTs: "eyJ..." is any JWT's start).
        Assert.All(tokens.Issued, t => Assert.DoesNotContain(t, error.Message + error.Hint, StringComparison.Ordinal));
        Assert.DoesNotContain("eyJ", error.Message + error.Hint, StringComparison.Ordinal);
        LogAssert.NoRecordHolds(Servers.Logs, [.. tokens.Issued, "eyJ"]);
        Assert.Contains(Servers.Logs.GetSnapshot(), r => r.Message.Contains("refused the token for someone.else@credo.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_untrusted_certificate_is_a_connection_error_naming_the_tls_stage_and_the_certificate()
    {
        var tokens = Servers.Tokens();

        var result = await Pop3Session.OpenAsync(Servers.Endpoint(Pop3Security.Tls), tokens, Servers.Guard, new Pop3Options(), Servers.Logger, Ct);

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Connection, error.Kind);
        Assert.Contains("implicit TLS", error.Message, StringComparison.Ordinal);
        Assert.Contains("CN=dovecot.credo.test", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{Dovecot.Pop3TlsPort}", error.Message, StringComparison.Ordinal);
        Assert.Contains("trusted", error.Hint, StringComparison.Ordinal);
        Assert.Equal(0, await Dovecot.Pop3LoginsAsync(Ct));
    }

    [Fact]
    public async Task A_thousand_mails_are_listed_and_each_fetched_once()
    {
        await Servers.DeliverAsync(1000);

        await using (var sut = await Servers.SessionAsync())
        {
            var listed = (await sut.ListAsync(Ct)).Value!;
            Assert.Equal(1000, listed.Count);
            Assert.Equal(1000, listed.Select(m => m.Uidl).Distinct().Count());
            var subjects = new HashSet<string>();
            foreach (var message in listed)
            {
                using var mime = new MemoryStream((await sut.FetchAsync(message.Index, Ct)).Value!);
                Assert.True(subjects.Add((await MimeKit.MimeMessage.LoadAsync(mime, Ct)).Subject ?? ""));
            }

            Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"Mail {i}").Order(), subjects.Order());
            Assert.True((await sut.QuitAsync(Ct)).Succeeded);
        }

        // Dovecot counts the session's commands when it logs out: every message retrieved once, none deleted.
        var logout = Assert.Single(await Dovecot.LogLinesWithAsync("Disconnected: Logged out", count: 1, Ct));
        Assert.Contains("retr=1000/", logout, StringComparison.Ordinal);
        Assert.Contains("del=0/1000", logout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_call_is_a_span_named_after_its_pop3_command_without_the_user()
    {
        await Servers.DeliverAsync(2);
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var capture = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Credo.Pop3",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(capture);
        using var test = new ActivitySource("Credo.Pop3.Tests");
        using var listenToTest = new ActivityListener
        {
            ShouldListenTo = source => source == test,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listenToTest);

        using (var parent = test.StartActivity("test")!)
        {
            await using var sut = await Servers.SessionAsync();
            await sut.ListAsync(Ct);
            await sut.FetchAsync(0, Ct);
            await sut.FetchAsync(1, Ct);
            await sut.DeleteAsync([1], Ct);
            await sut.QuitAsync(Ct);

            // Other tests run at the same time: only this trace counts.
            var trace = spans.Where(s => s.TraceId == parent.TraceId).ToList();
            Assert.Equal(["POP3 AUTH", "POP3 UIDL", "POP3 RETR", "POP3 RETR", "POP3 DELE", "POP3 QUIT"], trace.Select(s => s.DisplayName));
            Assert.All(trace, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
            Assert.All(trace, s => Assert.Equal("POP3", s.GetTagItem("credo.mail.protocol")));
            Assert.All(trace, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
            Assert.All(trace, s => Assert.DoesNotContain(
                Pop3TestServers.Mailbox, string.Join(' ', s.TagObjects.Select(t => t.Value).Append(s.DisplayName)), StringComparison.OrdinalIgnoreCase));
        }
    }
}
