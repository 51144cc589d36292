using Credo.Core;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Listeners whose credential is a certificate receive mail end to end, over EWS and over Microsoft Graph: the engine
/// builds the certificate's client credentials, and the sandbox's OpenIddict server checks the signed assertion.
/// </summary>
public sealed class CertificateListenerTests(CertificateListenerFixture server) : IClassFixture<CertificateListenerFixture>
{
    [Theory]
    [InlineData(EwsProtocol.Id)]
    [InlineData(GraphProtocol.Id)]
    public async Task Listener_with_a_certificate_credential_records_the_mailbox_mail(string protocol)
    {
        var mailbox = server.Sandbox.Mailboxes.Create($"c{Guid.NewGuid():N}"[..16] + "@sandbox.test");
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        }

        var credential = await server.CertificateCredentialAsync(protocol == GraphProtocol.Id ? SandboxClient.GraphScope : SandboxClient.ExchangeOnlineScope);
        var input = new ListenerInput
        {
            Name = "Certificate listener " + Guid.NewGuid().ToString("N")[..8],
            Protocol = protocol,
            Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", server.Sandbox.EwsEndpoint).Set(GraphProtocol.Id, "url", server.Sandbox.GraphEndpoint),
            Mailbox = mailbox.Address,
            CredentialId = credential,
            PollIntervalSeconds = 5,
        };
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(input, "tests", TestContext.Current.CancellationToken);
            Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
            await ListenerServerFixture.EventuallyAsync(async () => await RecordedAsync(change.Value!.Id) == 3, $"three mails are recorded over {protocol}");
        }

        server.AssertLogsHoldNone(server.Certificate.KeyBase64[..40]);
    }

    private async Task<int> RecordedAsync(Guid listenerId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Credo.Core.Persistence.CredoDbContext>();
        return db.ReceivedMessages.Count(m => m.ListenerId == listenerId);
    }
}
