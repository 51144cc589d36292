using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>
/// A mailbox's request counts tell whether two pollers worked on it at the same time: the most EWS requests in flight at
/// once, and the shortest time between two <c>SyncFolderItems</c>.
/// </summary>
public sealed class EwsInFlightTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private const int DelayMilliseconds = 400;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Overlapping_requests_count_as_two_in_flight_and_one_after_another_as_one()
    {
        var mailbox = sandbox.NewMailbox();
        Assert.Equal(0, mailbox.Requests.MaxInFlight);
        Assert.Null(mailbox.Requests.ShortestSyncGapMilliseconds);

        // Every answer is held back, so that two requests sent together are surely in flight together.
        mailbox.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.Delay, OneIn: 1, DelayMilliseconds: DelayMilliseconds));
        var token = await sandbox.TokenAsync(scope: SandboxClient.ExchangeOnlineScope);
        await Task.WhenAll(SyncAsync(mailbox.Address, token), SyncAsync(mailbox.Address, token));
        Assert.Equal(2, mailbox.Requests.MaxInFlight);
        Assert.NotNull(mailbox.Requests.ShortestSyncGapMilliseconds);

        mailbox.ResetRequests();
        Assert.Equal(0, mailbox.Requests.MaxInFlight);
        Assert.Null(mailbox.Requests.ShortestSyncGapMilliseconds);
        var between = Stopwatch.StartNew();
        await SyncAsync(mailbox.Address, token);
        await SyncAsync(mailbox.Address, token);
        var elapsed = between.Elapsed.TotalMilliseconds;
        var counts = mailbox.Requests;
        Assert.Equal(1, counts.MaxInFlight);
        Assert.Equal(2, counts.ByOperation["SyncFolderItems"]);

        // The second arrived after the first was answered, which took at least the delay, and before both had ended.
        Assert.InRange(counts.ShortestSyncGapMilliseconds!.Value, DelayMilliseconds, elapsed);
    }

    private async Task SyncAsync(string mailbox, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, sandbox.Server.EwsEndpoint)
        {
            Content = new StringContent(
                EwsRequests.Envelope(mailbox, "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId><m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>"),
                Encoding.UTF8,
                "text/xml"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-AnchorMailbox", mailbox);
        using var response = await sandbox.Http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
    }
}
