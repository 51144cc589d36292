using System.Text.Json;
using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Sandbox.Ews;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>The listener engine in the running server against the sandbox's EWS, with webhooks to a Kestrel receiver.</summary>
public sealed class ListenerEngineTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    [Fact]
    public async Task Thousand_mails_arrive_once_each_and_as_signed_webhooks()
    {
        var (address, mailbox) = NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        for (var i = 0; i < 1000; i++)
        {
            var attachment = i % 100 == 7 ? 100 * 1024 : i % 10 == 3 ? 1024 : 0;
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, attachmentBytes: attachment, withoutMessageId: i % 50 == 11), inbox.Id);
        }

        await using var receiver = await WebhookReceiver.StartAsync();
        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url.ToString();
            l.WebhookSecret = receiver.Secret;
        });

        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == 1000 && mailbox.ItemsIn(inbox.Id).All(item => item.IsRead),
            "1,000 mails are recorded and marked read");
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 1000), "1,000 webhooks arrive");

        var keys = await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listener.Id).Select(m => m.DedupeKey).ToListAsync());
        Assert.Equal(1000, keys.Distinct().Count());
        Assert.Equal(20, keys.Count(k => k.StartsWith("item:", StringComparison.Ordinal)));
        Assert.Empty(receiver.BadSignatures);

        var payloads = receiver.Deliveries.Values.ToList();
        var large = payloads.Where(p => p.GetProperty("message").GetProperty("size").GetInt64() > 65536).ToList();
        Assert.Equal(10, large.Count);
        Assert.All(large, p =>
        {
            Assert.False(p.GetProperty("message").GetProperty("attachmentsIncluded").GetBoolean());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("message").GetProperty("attachments")[0].GetProperty("contentBase64").ValueKind);
        });
        var small = payloads.Where(p => p.GetProperty("message").GetProperty("size").GetInt64() < 65536 && p.GetProperty("message").GetProperty("attachments").GetArrayLength() == 1).ToList();
        Assert.Equal(100, small.Count);
        Assert.All(small, p => Assert.Equal(1024, Convert.FromBase64String(p.GetProperty("message").GetProperty("attachments")[0].GetProperty("contentBase64").GetString()!).Length));
        Assert.Equal(20, payloads.Count(p => p.GetProperty("message").GetProperty("internetMessageId").ValueKind == JsonValueKind.Null));
        Assert.All(payloads, p => Assert.Equal(p.GetProperty("deliveryId").GetString(), p.GetProperty("message").GetProperty("id").GetString()));

        var status = await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == listener.Id));
        Assert.Equal((1000L, null), (status.MessagesReceived, status.LastError));
    }

    [Fact]
    public async Task Each_after_processing_action_is_applied_and_filters_hold()
    {
        var (moveAddress, moveBox) = NewMailbox(5);
        var processed = moveBox.CreateFolder(moveBox.WellKnown("inbox").Id, "Processed");
        var (deleteAddress, deleteBox) = NewMailbox(5);
        var (keepAddress, keepBox) = NewMailbox(5);
        var (filterAddress, filterBox) = NewMailbox(0);
        var inbox = filterBox.WellKnown("inbox");
        var wanted = filterBox.Deliver(server.Sandbox.Mailboxes.Generate(filterAddress, attachmentBytes: 10, subject: "Invoice 17"), inbox.Id);
        filterBox.Deliver(server.Sandbox.Mailboxes.Generate(filterAddress, subject: "Invoice 18 without attachment"), inbox.Id);
        filterBox.Deliver(server.Sandbox.Mailboxes.Generate(filterAddress, attachmentBytes: 10, subject: "Newsletter"), inbox.Id);

        var move = await server.ListenerAsync(moveAddress, l => { l.AfterProcessing = AfterProcessing.Move; l.MoveToFolder = "Inbox/Processed"; });
        var delete = await server.ListenerAsync(deleteAddress, l => l.AfterProcessing = AfterProcessing.Delete);
        var keep = await server.ListenerAsync(keepAddress, l => l.AfterProcessing = AfterProcessing.None);
        var filter = await server.ListenerAsync(filterAddress, l => { l.SubjectContains = "invoice"; l.OnlyWithAttachments = true; l.FromContains = "example.com"; });

        foreach (var listener in new[] { move, delete, keep })
        {
            await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 5, $"{listener.Name} records 5 mails");
        }

        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(filter.Id) == 1, "the filtered listener records its one mail");
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(moveBox.ItemsIn(processed.Id).Count == 5), "mail is moved");
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(deleteBox.ItemsIn(deleteBox.WellKnown("deleteditems").Id).Count == 5), "mail is deleted");

        Assert.Empty(moveBox.ItemsIn(moveBox.WellKnown("inbox").Id));
        Assert.Empty(deleteBox.ItemsIn(deleteBox.WellKnown("inbox").Id));
        Assert.All(keepBox.ItemsIn(keepBox.WellKnown("inbox").Id), item => Assert.False(item.IsRead));
        var recorded = await server.QueryAsync(db => db.ReceivedMessages.SingleAsync(m => m.ListenerId == filter.Id));
        Assert.Equal(wanted.InternetMessageId, recorded.InternetMessageId);
        Assert.Equal("Invoice 17", recorded.Subject);
    }

    [Fact]
    public async Task Faults_during_a_run_end_with_every_mail_recorded_exactly_once()
    {
        var (address, mailbox) = NewMailbox(300);
        foreach (var fault in new[]
                 {
                     new SandboxFault(SandboxFaultKind.Delay, DelayMilliseconds: 200),
                     new SandboxFault(SandboxFaultKind.ServerBusy, BackOffMilliseconds: 300),
                     new SandboxFault(SandboxFaultKind.Unauthorized),
                     new SandboxFault(SandboxFaultKind.InternalServerError),
                     new SandboxFault(SandboxFaultKind.ConnectionCountExceeded),
                     new SandboxFault(SandboxFaultKind.ServiceUnavailable, BackOffMilliseconds: 500),
                 })
        {
            mailbox.InjectFault(fault);
        }

        var listener = await server.ListenerAsync(address);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 300, "300 mails are recorded");

        // Now the sync state goes bad: the listener starts over and still records nothing twice.
        for (var i = 0; i < 10; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.InvalidSyncState));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ListenerService>().PollNowAsync(listener.Id, "tests", TestContext.Current.CancellationToken);
        }

        // A mail is recorded before it is marked read, so both are awaited.
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == 310 && mailbox.ItemsIn(mailbox.WellKnown("inbox").Id).All(item => item.IsRead),
            "the 10 new mails are recorded and marked read after the full resync");
        var keys = await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listener.Id).Select(m => m.DedupeKey).ToListAsync());
        Assert.Equal(310, keys.Count);
        Assert.Equal(310, keys.Distinct().Count());
    }

    [Fact]
    public async Task Deleting_a_credential_in_use_is_refused_naming_the_listener()
    {
        var (address, _) = NewMailbox(0);
        var listener = await server.ListenerAsync(address);

        await using var scope = server.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CredentialStore>().DeleteAsync(listener.CredentialId, "tests", TestContext.Current.CancellationToken);

        Assert.Equal(ChangeStatus.InUse, result.Status);
        Assert.Contains(listener.Name, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mailbox_errors_set_a_readable_status_with_a_hint()
    {
        var listener = await server.ListenerAsync("nobody-" + Guid.NewGuid().ToString("N")[..6] + "@sandbox.test");

        await ListenerServerFixture.EventuallyAsync(
            async () => (await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == listener.Id))).LastError is not null,
            "the listener reports its error");
        var status = await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == listener.Id));

        Assert.Contains("ErrorNonExistentMailbox", status.LastError, StringComparison.Ordinal);
        Assert.Contains("SMTP address", status.LastErrorHint, StringComparison.Ordinal);
    }

    private (string Address, SandboxMailbox Mailbox) NewMailbox(int messages = 0)
    {
        var address = $"l{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < messages; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        return (address, mailbox);
    }
}
