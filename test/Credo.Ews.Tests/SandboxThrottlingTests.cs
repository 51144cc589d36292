using System.Collections.Concurrent;
using Credo.Ews.Tests.Infrastructure;
using Credo.Net;
using Credo.Sandbox;
using Credo.Sandbox.Ews;

namespace Credo.Ews.Tests;

/// <summary>
/// The sandbox's steady fault rate (a mailbox that throttles one request in N) and its request counts, seen through
/// Credo.Ews over loopback: what the listener's tests and benchmarks rely on.
/// </summary>
public sealed class SandboxThrottlingTests(EwsSandboxFixture sandbox) : IClassFixture<EwsSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Steady_rate_throttles_one_request_in_n()
    {
        var (mailbox, sut) = NewMailbox();
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(13));

        var results = new List<Result<EwsFolder, EwsError>>();
        for (var i = 0; i < 26; i++)
        {
            results.Add(await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct));
        }

        var failed = results.Index().Where(r => !r.Item.Succeeded).ToList();
        Assert.Equal([12, 25], failed.Select(r => r.Index));
        Assert.All(failed, r => Assert.Equal(
            (EwsErrorKind.ServerBusy, "ErrorServerBusy", TimeSpan.FromMilliseconds(300)),
            (r.Item.Error?.Kind, r.Item.Error?.ResponseCode, r.Item.Error?.BackOff)));
        Assert.Equal((26, 2), (sut.Requests.Total, sut.Requests.Faulted));
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Requests_are_counted_by_operation_faulted_ones_included()
    {
        var (mailbox, sut) = NewMailbox();
        var inbox = sut.WellKnown("inbox");
        for (var i = 0; i < 3; i++)
        {
            sut.Deliver(sandbox.Server.Mailboxes.Generate(sut.Address), inbox.Id);
        }

        var sync = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, null, 10, Ct);
        var ids = sync.Value!.Changes.Select(c => c.ItemId).ToList();
        await sandbox.Client.GetItemsAsync(mailbox, ids, includeMime: true, Ct);
        await sandbox.Client.SetReadAsync(mailbox, [ids[0]], true, Ct);
        await sandbox.Client.MoveItemsAsync(mailbox, [ids[1]], EwsFolderId.DeletedItems, Ct);
        await sandbox.Client.DeleteItemsAsync(mailbox, [ids[2]], Ct);
        await sandbox.Client.FindFoldersAsync(mailbox, EwsFolderId.Inbox, Ct);
        await sandbox.Client.FindItemsAsync(mailbox, EwsFolderId.Inbox, unreadOnly: false, offset: 0, maxEntries: 10, Ct);
        sut.InjectFault(new SandboxFault(SandboxFaultKind.ServerBusy));
        var busy = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        var counts = sut.Requests;

        Assert.Equal(EwsErrorKind.ServerBusy, busy.Error?.Kind);
        Assert.Equal((9, 1), (counts.Total, counts.Faulted));
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["SyncFolderItems"] = 1, ["GetItem"] = 1, ["UpdateItem"] = 1, ["MoveItem"] = 1, ["DeleteItem"] = 1,
                ["FindFolder"] = 1, ["FindItem"] = 1, ["GetFolder"] = 2,
            },
            counts.ByOperation.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
    }

    [Fact]
    public async Task Reset_sets_the_counts_to_zero_and_keeps_the_rate_numbering()
    {
        var (mailbox, sut) = NewMailbox();
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(3));
        await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        sut.ResetRequests();
        var third = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.ServerBusy, third.Error?.Kind);
        Assert.Equal((1, 1), (sut.Requests.Total, sut.Requests.Faulted));
        Assert.Equal(1, Assert.Single(sut.Requests.ByOperation).Value);
    }

    [Fact]
    public async Task Queued_fault_takes_precedence_when_the_rate_falls_on_the_same_request()
    {
        var (mailbox, sut) = NewMailbox();
        sut.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.ServiceUnavailable, OneIn: 2, BackOffMilliseconds: 2000));

        var first = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        sut.InjectFault(new SandboxFault(SandboxFaultKind.ServerBusy, BackOffMilliseconds: 50));
        var second = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var third = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var fourth = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal((EwsErrorKind.ServerBusy, TimeSpan.FromMilliseconds(50)), (second.Error?.Kind, second.Error?.BackOff));
        Assert.True(third.Succeeded, third.ToString());
        Assert.Equal((EwsErrorKind.ServiceUnavailable, TimeSpan.FromSeconds(2)), (fourth.Error?.Kind, fourth.Error?.BackOff));
        Assert.Equal((4, 2), (sut.Requests.Total, sut.Requests.Faulted));
    }

    [Fact]
    public async Task Concurrent_requests_are_throttled_exactly_one_in_n()
    {
        var (mailbox, sut) = NewMailbox();
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(13));
        var kinds = new ConcurrentBag<EwsErrorKind?>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 130), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (_, ct) =>
            kinds.Add((await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, ct)).Error?.Kind));

        Assert.Equal(10, kinds.Count(k => k == EwsErrorKind.ServerBusy));
        Assert.Equal(120, kinds.Count(k => k is null));
        Assert.Equal((130, 10, 130), (sut.Requests.Total, sut.Requests.Faulted, sut.Requests.ByOperation["GetFolder"]));
    }

    [Fact]
    public void Requests_arriving_at_once_are_numbered_without_gaps_or_repeats()
    {
        var (_, sut) = NewMailbox();
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(13));
        var faulted = 0;
        using var start = new Barrier(4);

        // Straight at the mailbox on threads released together: loopback requests are too far apart to expose a lost update.
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait(Ct);
            for (var i = 0; i < 1_300_000; i++)
            {
                if (sut.Arrive(i % 2 == 0 ? "GetItem" : "SyncFolderItems", hasSyncState: false) is not null)
                {
                    Interlocked.Increment(ref faulted);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(400_000, faulted);
        Assert.Equal((5_200_000, 2_600_000, 2_600_000), (sut.Requests.Total, sut.Requests.ByOperation["GetItem"], sut.Requests.ByOperation["SyncFolderItems"]));
    }

    [Fact]
    public async Task Clearing_faults_or_a_rate_of_zero_stops_throttling()
    {
        var (mailbox, sut) = NewMailbox();
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(1));
        var throttled = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        sut.ClearFaults();
        var afterClear = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var clearedRate = sut.FaultRate;
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(1));
        sut.SetFaultRate(SandboxFaultRate.ServerBusy(0));
        var afterZero = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.ServerBusy, throttled.Error?.Kind);
        Assert.True(afterClear.Succeeded, afterClear.ToString());
        Assert.True(afterZero.Succeeded, afterZero.ToString());
        Assert.Null(clearedRate);
        Assert.Null(sut.FaultRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => sut.SetFaultRate(SandboxFaultRate.ServerBusy(-1)));
    }

    [Fact]
    public async Task Sandbox_option_throttles_the_start_mailboxes_and_those_created_later()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0, FaultRate = SandboxFaultRate.ServerBusy(13) };
        await using var sut = await SandboxServer.StartAsync(options, cancellationToken: Ct);

        var later = sut.Mailboxes.Create("later@sandbox.test");

        Assert.Equal(SandboxFaultRate.ServerBusy(13), sut.Mailboxes.Find(SandboxOptions.DemoMailbox)?.FaultRate);
        Assert.Equal(new SandboxFaultRate(SandboxFaultKind.ServerBusy, 13, 300), later.FaultRate);
    }

    private (EwsMailbox Mailbox, SandboxMailbox Store) NewMailbox()
    {
        var address = $"rate{Guid.NewGuid():N}"[..20] + "@sandbox.test";
        return (sandbox.MailboxFor(address), sandbox.Server.Mailboxes.Create(address));
    }
}
