using System.Text;
using Credo.Graph.Tests.Infrastructure;
using Credo.Sandbox;
using Credo.Sandbox.Ews;

namespace Credo.Graph.Tests;

/// <summary>Credo.Graph's client against the sandbox's Microsoft Graph: folders, delta paging, MIME, batches and failures.</summary>
public sealed class GraphClientTests(GraphClientFixture sandbox) : IClassFixture<GraphClientFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static T Ok<T>(Credo.Net.Result<T, GraphError> result)
    {
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Value!;
    }

    [Fact]
    public async Task A_folder_resolves_by_well_known_name_and_by_path_and_a_missing_level_is_FolderNotFound()
    {
        var mailbox = sandbox.NewMailbox();
        var invoices = mailbox.CreateFolder(mailbox.WellKnown("inbox").Id, "Invoices");
        GraphClientFixture.Deliver(mailbox, "in-inbox@example.com");
        var graph = sandbox.MailboxFor(mailbox);

        var inbox = await sandbox.Client.ResolveFolderAsync(graph, "Inbox", Ct);
        var byPath = await sandbox.Client.ResolveFolderAsync(graph, "Inbox/Invoices", Ct);
        var missing = await sandbox.Client.ResolveFolderAsync(graph, "Inbox/Receipts", Ct);

        Assert.True(inbox.Succeeded, inbox.Error?.ToString());
        Assert.Equal(("Inbox", 1, 1), (inbox.Value.DisplayName, inbox.Value.TotalItemCount, inbox.Value.UnreadItemCount));
        Assert.True(byPath.Succeeded, byPath.Error?.ToString());
        Assert.Equal("Invoices", byPath.Value.DisplayName);
        Assert.NotEqual(inbox.Value.Id, byPath.Value.Id);
        Assert.Equal(invoices.DisplayName, byPath.Value.DisplayName);
        Assert.Equal(GraphErrorKind.FolderNotFound, missing.Error?.Kind);
        Assert.Contains("Receipts", missing.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delta_gives_every_message_once_page_by_page_and_its_delta_link_then_only_new_mail()
    {
        var mailbox = sandbox.NewMailbox();
        for (var i = 0; i < 7; i++)
        {
            GraphClientFixture.Deliver(mailbox, $"m{i}@example.com");
        }

        var graph = sandbox.MailboxFor(mailbox);
        var inbox = Ok(await sandbox.Client.ResolveFolderAsync(graph, "Inbox", Ct));

        var pages = new List<GraphDeltaPage>();
        var page = await sandbox.Client.StartDeltaAsync(graph, inbox.Id, 3, Ct);
        while (true)
        {
            Assert.True(page.Succeeded, page.Error?.ToString());
            pages.Add(page.Value);
            if (page.Value.Complete)
            {
                break;
            }

            page = await sandbox.Client.ContinueDeltaAsync(graph, page.Value.Link, 3, Ct);
        }

        GraphClientFixture.Deliver(mailbox, "later@example.com");
        var news = await sandbox.Client.ContinueDeltaAsync(graph, pages[^1].Link, 3, Ct);
        var none = await sandbox.Client.ContinueDeltaAsync(graph, Ok(news).Link, 3, Ct);

        var listed = pages.SelectMany(p => p.Messages).ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.True(p.Messages.Count <= 3));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"<m{i}@example.com>").Order(), listed.Select(m => m.InternetMessageId).Order());
        Assert.Equal(7, listed.Select(m => m.Id).Distinct().Count());
        Assert.All(listed, m => Assert.Equal(("sender@example.com", false), (m.From?.Address, m.IsRead)));
        Assert.True(news.Succeeded, news.Error?.ToString());
        Assert.Equal(["<later@example.com>"], news.Value.Messages.Select(m => m.InternetMessageId));
        Assert.True(news.Value.Complete);
        Assert.Empty(Ok(none).Messages);
    }

    [Fact]
    public async Task A_messages_MIME_is_what_was_delivered()
    {
        var mailbox = sandbox.NewMailbox();
        var item = GraphClientFixture.Deliver(mailbox, "mime@example.com");
        var graph = sandbox.MailboxFor(mailbox);
        var inbox = Ok(await sandbox.Client.ResolveFolderAsync(graph, "Inbox", Ct));
        var listed = Ok(await sandbox.Client.StartDeltaAsync(graph, inbox.Id, 10, Ct)).Messages.Single();

        var mime = await sandbox.Client.GetMimeAsync(graph, listed.Id, Ct);

        Assert.True(mime.Succeeded, mime.Error?.ToString());
        Assert.Equal(Encoding.ASCII.GetString(item.Mime), Encoding.ASCII.GetString(mime.Value));
    }

    [Fact]
    public async Task Marking_read_and_moving_give_a_result_per_message_in_order_and_an_immutable_id_outlives_a_move()
    {
        var mailbox = sandbox.NewMailbox();
        for (var i = 0; i < 3; i++)
        {
            GraphClientFixture.Deliver(mailbox, $"b{i}@example.com");
        }

        var graph = sandbox.MailboxFor(mailbox);
        var inbox = Ok(await sandbox.Client.ResolveFolderAsync(graph, "Inbox", Ct));
        var listed = Ok(await sandbox.Client.StartDeltaAsync(graph, inbox.Id, 10, Ct)).Messages.OrderBy(m => m.InternetMessageId).ToList();

        var moved = Ok(await sandbox.Client.MoveAsync(graph, [listed[2].Id], "archive", Ct));
        var read = Ok(await sandbox.Client.SetReadAsync(graph, [listed[0].Id, "AAMkAGRvZXMtbm90LWV4aXN0", listed[2].Id], true, Ct));

        Assert.True(moved.Single().Succeeded, moved.Single().Error?.ToString());
        Assert.Equal([true, false, true], read.Select(r => r.Succeeded));
        Assert.Equal(GraphErrorKind.ItemNotFound, read[1].Error?.Kind);
        var inInbox = mailbox.ItemsIn(mailbox.WellKnown("inbox").Id).ToDictionary(i => i.InternetMessageId!, i => i.IsRead);
        Assert.Equal(new Dictionary<string, bool> { ["<b0@example.com>"] = true, ["<b1@example.com>"] = false }, inInbox);
        Assert.Equal(("<b2@example.com>", true), mailbox.ItemsIn(mailbox.WellKnown("archive").Id).Select(i => (i.InternetMessageId, i.IsRead)).Single());
    }

    [Fact]
    public async Task Throttling_is_Throttled_with_the_wait_Graph_asks_for()
    {
        var mailbox = sandbox.NewMailbox();
        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.TooManyRequests, RetryAfterSeconds: 7));

        var result = await sandbox.Client.ResolveFolderAsync(sandbox.MailboxFor(mailbox), "Inbox", Ct);

        Assert.Equal(GraphErrorKind.Throttled, result.Error?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), result.Error!.RetryAfter);
        Assert.True(result.Error.IsTransient);
    }

    [Fact]
    public async Task A_link_that_is_not_under_the_mailboxs_Graph_URL_is_InvalidSyncState_and_nothing_is_sent()
    {
        var mailbox = sandbox.NewMailbox();
        var graph = sandbox.MailboxFor(mailbox);
        var inbox = Ok(await sandbox.Client.ResolveFolderAsync(graph, "Inbox", Ct));
        var link = Ok(await sandbox.Client.StartDeltaAsync(graph, inbox.Id, 10, Ct)).Link;
        mailbox.ResetRequests();

        var elsewhere = new UriBuilder(link) { Host = "127.0.0.2" }.Uri.ToString();
        var result = await sandbox.Client.ContinueDeltaAsync(graph, elsewhere, 10, Ct);

        Assert.Equal(GraphErrorKind.InvalidSyncState, result.Error?.Kind);
        Assert.Equal(0, mailbox.Requests.Total);
    }

    [Fact]
    public async Task An_unknown_mailbox_is_MailboxNotFound_and_a_token_for_another_audience_is_Unauthorized_with_a_hint()
    {
        var unknown = new GraphMailbox(sandbox.Server.GraphEndpoint, "nobody@sandbox.test", sandbox.MailboxFor(sandbox.NewMailbox()).Tokens);
        var exchangeToken = sandbox.MailboxFor(sandbox.NewMailbox(), GraphClientFixture.ExchangeOnlyClient, SandboxClient.ExchangeOnlineScope);

        var missing = await sandbox.Client.ResolveFolderAsync(unknown, "Inbox", Ct);
        var refused = await sandbox.Client.ResolveFolderAsync(exchangeToken, "Inbox", Ct);

        Assert.Equal(GraphErrorKind.MailboxNotFound, missing.Error?.Kind);
        Assert.Equal(GraphErrorKind.Unauthorized, refused.Error?.Kind);
        Assert.Contains("https://graph.microsoft.com/.default", refused.Error!.Hint, StringComparison.Ordinal);
    }
}
