using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Credo.Core.Tests.Listeners.Sources.Imap;

/// <summary>The test Dovecot itself: it accepts the sandbox's tokens over both SASL mechanisms and shows delivered mail.</summary>
public sealed class DovecotHarnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dovecot_logs_in_with_a_sandbox_token_and_shows_a_delivered_mail()
    {
        await using var servers = await ImapTestServers.StartAsync(Ct);
        await servers.Dovecot.DeliverAsync(ImapTestServers.Mailbox, Encoding.ASCII.GetBytes("Subject: hello\r\nMessage-ID: <a@test>\r\n\r\nbody\r\n"), cancellationToken: Ct);
        var token = await servers.TokenAsync(Ct);

        using var sut = new ImapClient();
        await sut.ConnectAsync("127.0.0.1", servers.Dovecot.PlainPort, SecureSocketOptions.None, Ct);
        await sut.AuthenticateAsync(new SaslMechanismOAuth2(ImapTestServers.Mailbox, token), Ct);
        await sut.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);

        Assert.Equal(1, sut.Inbox.Count);
        Assert.Equal(1, await servers.Dovecot.ConnectionsAsync(Ct));
        Assert.Equal(1, await servers.Dovecot.CountAsync(ImapTestServers.Mailbox, cancellationToken: Ct));
    }
}
