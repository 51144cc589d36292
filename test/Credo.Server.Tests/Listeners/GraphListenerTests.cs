using Credo.Core.Listeners;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Listeners over the sandbox's Microsoft Graph, through the engine as <c>credo serve</c> runs it: requests per mail,
/// a rejected delta link, moves with immutable ids, a token without <c>Mail.ReadWrite</c>, Test connection.
/// </summary>
public sealed class GraphListenerTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backlog_costs_one_MIME_request_a_mail_and_one_batched_mark_read()
    {
        const int Mails = 200;
        var mailbox = Mailbox(Mails);

        var listener = await server.GraphListenerAsync(mailbox.Address);
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == Mails && Inbox(mailbox).All(i => i.IsRead), $"{Mails} mails are recorded and marked read");

        var requests = mailbox.Requests;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Graph, {Mails} mails, mark read: {requests.Total} requests ({(double)requests.Total / Mails:0.000} a mail); {string.Join(", ", requests.ByOperation.Select(o => $"{o.Key} {o.Value}"))}");
        Assert.Equal(Mails, requests.ByOperation.GetValueOrDefault("graph:getMime"));
        Assert.Equal(Mails, requests.ByOperation.GetValueOrDefault("graph:patchMessage"));
        Assert.InRange(requests.ByOperation.GetValueOrDefault("graph:delta"), Mails / 100, Mails / 100 + 2);
        Assert.Equal(Mails, (await Keys(listener.Id)).Distinct().Count());
    }

    [Fact]
    public async Task A_delta_link_Graph_no_longer_accepts_starts_over_and_records_nothing_twice()
    {
        var mailbox = Mailbox(10);
        var listener = await server.GraphListenerAsync(mailbox.Address, i => i.AfterProcessing = AfterProcessing.None);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 10, "the first ten mails are recorded");

        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.InvalidSyncState));
        Deliver(mailbox, 5);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 15, "the five new mails are recorded after the resync");

        Assert.Equal(1, mailbox.Requests.Faulted);
        var keys = await Keys(listener.Id);
        Assert.Equal(15, keys.Count);
        Assert.Equal(15, keys.Distinct().Count());
    }

    [Fact]
    public async Task A_mail_the_listener_moves_keeps_the_id_it_was_recorded_with()
    {
        var mailbox = Mailbox(3);
        var listener = await server.GraphListenerAsync(mailbox.Address, i =>
        {
            i.AfterProcessing = AfterProcessing.Move;
            i.MoveToFolder = "Archive";
        });
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == 3 && Inbox(mailbox).Count == 0, "three mails are recorded and moved");

        var recorded = await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listener.Id).Select(m => m.ItemId).ToListAsync(Ct));
        Assert.Equal(
            // Graph writes the immutable id URL-safe.
            mailbox.ItemsIn(mailbox.WellKnown("archive").Id).Select(i => i.ImmutableId.Replace('/', '-').Replace('+', '_')).Order(),
            recorded.Order());
    }

    [Fact]
    public async Task A_token_without_Mail_ReadWrite_sets_a_status_with_the_hint_to_grant_it()
    {
        var client = new SandboxClient
        {
            ClientId = "read-only-" + Guid.NewGuid().ToString("N")[..8],
            ClientSecret = "read-only-secret",
            Scopes = [SandboxClient.GraphScope],
            GraphRoles = ["Mail.Read"],
        };
        await server.Sandbox.AddClientAsync(client, Ct);
        var mailbox = Mailbox(1);

        var listener = await server.GraphListenerAsync(mailbox.Address, client: client);
        await ListenerServerFixture.EventuallyAsync(
            async () => (await server.QueryAsync(db => db.EmailListeners.SingleAsync(l => l.Id == listener.Id, Ct))).LastError is not null, "the poll fails");

        var failed = await server.QueryAsync(db => db.EmailListeners.SingleAsync(l => l.Id == listener.Id, Ct));
        Assert.Contains("ErrorAccessDenied", failed.LastError, StringComparison.Ordinal);
        Assert.Contains("Mail.ReadWrite", failed.LastErrorHint, StringComparison.Ordinal);
        Assert.False(Inbox(mailbox).Single().IsRead);
    }

    [Fact]
    public async Task Test_connection_over_Graph_gets_a_token_and_opens_the_folder()
    {
        var mailbox = Mailbox(4);
        mailbox.CreateFolder(mailbox.WellKnown("inbox").Id, "Invoices");
        var listener = await server.GraphListenerAsync(mailbox.Address, i =>
        {
            i.Folder = "Inbox/Invoices";
            i.Enabled = false;
        });

        await using var scope = server.Services.CreateAsyncScope();
        var steps = await scope.ServiceProvider.GetRequiredService<ConnectionTest>().RunAsync(listener.Id, "tests", Ct);

        Assert.All(steps!, step => Assert.True(step.Succeeded, $"{step.Name}: {step.Detail}"));
        Assert.Contains("roles Mail.ReadWrite", steps![0].Detail, StringComparison.Ordinal);
        Assert.Contains("Inbox/Invoices: 0 item(s), 0 unread", steps[^1].Detail, StringComparison.Ordinal);
    }

    private SandboxMailbox Mailbox(int mails)
    {
        var mailbox = server.Sandbox.Mailboxes.Create($"g{Guid.NewGuid():N}"[..16] + "@sandbox.test");
        Deliver(mailbox, mails);
        return mailbox;
    }

    private void Deliver(SandboxMailbox mailbox, int mails)
    {
        for (var i = 0; i < mails; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address, withoutMessageId: i % 4 == 0), mailbox.WellKnown("inbox").Id);
        }
    }

    private static IReadOnlyList<SandboxItem> Inbox(SandboxMailbox mailbox) => mailbox.ItemsIn(mailbox.WellKnown("inbox").Id);

    private Task<List<string>> Keys(Guid listenerId) =>
        server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listenerId).Select(m => m.DedupeKey).ToListAsync(Ct));
}
