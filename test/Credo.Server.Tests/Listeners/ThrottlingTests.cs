using System.Diagnostics;
using Credo.Sandbox.Ews;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// A 1,000-mail backlog against the sandbox's EWS, with and without a mailbox that throttles one request in thirteen
/// (<c>ErrorServerBusy</c>, <c>BackOffMilliseconds</c> 300): every mail is recorded once and marked read, in few requests.
/// </summary>
public sealed class ThrottlingTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    private const int Mails = 1000;

    [Fact]
    public async Task Backlog_drains_completely_behind_a_mailbox_that_throttles_one_request_in_thirteen()
    {
        var (mailbox, elapsed, requests) = await DrainAsync(SandboxFaultRate.ServerBusy(13));

        Assert.True(requests.Faulted >= requests.Total / 13 - 1, $"the sandbox throttled {requests.Faulted} of {requests.Total} requests");
        Assert.All(mailbox.ItemsIn(mailbox.WellKnown("inbox").Id), item => Assert.True(item.IsRead));
        Report("throttled 1 in 13", elapsed, requests);
    }

    [Fact]
    public async Task Unthrottled_backlog_takes_at_most_three_requests_for_twenty_mails()
    {
        var (_, elapsed, requests) = await DrainAsync(rate: null);

        // Sync pages of 100, GetItem for 10 at a time, one UpdateItem per 100 recorded: about 0.12 requests a mail.
        var perMail = (double)requests.Total / Mails;
        Report("unthrottled", elapsed, requests);
        Assert.True(perMail <= 0.15, $"{perMail:0.000} requests per mail");
        Assert.Equal(Mails / 100, requests.ByOperation.GetValueOrDefault("UpdateItem"));
        Assert.Equal(Mails / 10, requests.ByOperation.GetValueOrDefault("GetItem"));
    }

    private async Task<(SandboxMailbox Mailbox, TimeSpan Elapsed, SandboxRequestCounts Requests)> DrainAsync(SandboxFaultRate? rate)
    {
        var address = $"t{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < Mails; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        mailbox.SetFaultRate(rate);
        mailbox.ResetRequests();
        var clock = Stopwatch.StartNew();
        var listener = await server.ListenerAsync(address);
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == Mails && mailbox.ItemsIn(mailbox.WellKnown("inbox").Id).All(item => item.IsRead),
            $"{Mails} mails are recorded and marked read");
        var elapsed = clock.Elapsed;
        var requests = mailbox.Requests;

        var keys = await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listener.Id).Select(m => m.DedupeKey).ToListAsync());
        Assert.Equal(Mails, keys.Count);
        Assert.Equal(Mails, keys.Distinct().Count());
        return (mailbox, elapsed, requests);
    }

    private static void Report(string run, TimeSpan elapsed, SandboxRequestCounts requests) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{run}: {Mails} mails in {elapsed.TotalSeconds:0.0} s, {requests.Total} EWS requests ({(double)requests.Total / Mails:0.000} a mail), " +
            $"{requests.Faulted} throttled; by operation: {string.Join(", ", requests.ByOperation.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
}
