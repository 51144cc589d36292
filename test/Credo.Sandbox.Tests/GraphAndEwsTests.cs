using System.Net;
using System.Net.Http.Json;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Tests.Infrastructure;
using Microsoft.Graph.Users.Item.Messages.Item.Move;

namespace Credo.Sandbox.Tests;

/// <summary>EWS and Graph are two views of the same mailboxes.</summary>
public sealed class GraphAndEwsTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mail_added_through_the_control_API_is_seen_by_both_and_a_Graph_move_is_seen_by_EWS()
    {
        var mailbox = sandbox.NewMailbox();
        using var added = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/mailboxes/{mailbox.Address}/messages"), new { count = 2 }, Ct);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var sdk = sandbox.Sdk();

        var ewsInbox = await EwsRequests.FindItemIdsAsync(sandbox, mailbox.Address, "inbox");
        var graphInbox = (await sdk.Users[mailbox.Address].MailFolders["inbox"].Messages.Delta.GetAsDeltaGetResponseAsync(cancellationToken: Ct))!.Value!;
        Assert.Equal(2, ewsInbox.Count);
        Assert.Equal(ewsInbox.Select(Rest).Order(StringComparer.Ordinal), graphInbox.Select(m => m.Id!).Order(StringComparer.Ordinal));

        var moved = await sdk.Users[mailbox.Address].Messages[graphInbox[0].Id].Move.PostAsync(new MovePostRequestBody { DestinationId = "DeletedItems" }, cancellationToken: Ct);

        Assert.Equal(Rest(Assert.Single(await EwsRequests.FindItemIdsAsync(sandbox, mailbox.Address, "deleteditems"))), moved!.Id);
        Assert.Single(await EwsRequests.FindItemIdsAsync(sandbox, mailbox.Address, "inbox"));
        var counts = mailbox.Requests;
        Assert.Equal(3, counts.ByProtocol[SandboxRequestCounts.Ews]);
        Assert.Equal(2, counts.ByProtocol[SandboxRequestCounts.Graph]);
        Assert.Equal(1, counts.ByOperation["graph:move"]);
    }

    private static string Rest(string ewsId) => ewsId.Replace('/', '-').Replace('+', '_');
}
