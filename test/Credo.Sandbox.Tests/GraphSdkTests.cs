using System.Net;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Tests.Infrastructure;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Messages.Item.Move;
using MimeKit;

namespace Credo.Sandbox.Tests;

/// <summary>The official Microsoft Graph SDK (6.10), used as its documentation shows, against the sandbox's Graph endpoint.</summary>
public sealed class GraphSdkTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private const string ImmutableIds = "IdType=\"ImmutableId\"";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sdk_lists_top_level_folders_and_finds_a_child_folder_by_name()
    {
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        mailbox.CreateFolder(inbox.Id, "Invoices");
        mailbox.CreateFolder(inbox.Id, "O'Brien");
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox.Id);
        var sut = sandbox.Sdk();

        var top = await sut.Users[mailbox.Address].MailFolders.GetAsync(cancellationToken: Ct);
        var inboxJson = Assert.Single(top!.Value!, f => f.DisplayName == "Inbox");
        Assert.Equal(2, inboxJson.ChildFolderCount);
        Assert.Equal(1, inboxJson.TotalItemCount);
        Assert.Equal(1, inboxJson.UnreadItemCount);
        Assert.Contains(top.Value!, f => f.DisplayName == "Archive");

        var byName = await sut.Users[mailbox.Address].MailFolders["inbox"].ChildFolders.GetAsync(
            r => r.QueryParameters.Filter = "displayName eq 'O''Brien'", Ct);
        var child = Assert.Single(byName!.Value!);
        Assert.Equal("O'Brien", child.DisplayName);
        Assert.Equal(inboxJson.Id, child.ParentFolderId);

        var same = await sut.Users[mailbox.Address].MailFolders[child.Id].GetAsync(cancellationToken: Ct);
        Assert.Equal("O'Brien", same!.DisplayName);
    }

    [Fact]
    public async Task Sdk_pages_child_folders_with_next_links()
    {
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        for (var i = 0; i < 5; i++)
        {
            mailbox.CreateFolder(inbox.Id, $"Folder {i}");
        }

        var sut = sandbox.Sdk();
        var first = await sut.Users[mailbox.Address].MailFolders["Inbox"].ChildFolders.GetAsync(r => r.QueryParameters.Top = 2, Ct);
        var names = new List<string>();
        var iterator = PageIterator<MailFolder, MailFolderCollectionResponse>.CreatePageIterator(sut, first!, f =>
        {
            names.Add(f.DisplayName!);
            return true;
        });
        await iterator.IterateAsync(Ct);

        Assert.NotNull(first!.OdataNextLink);
        Assert.Equal(["Folder 0", "Folder 1", "Folder 2", "Folder 3", "Folder 4"], names);
    }

    [Fact]
    public async Task Sdk_pages_a_delta_to_its_delta_link_and_the_delta_link_then_gives_only_new_mail()
    {
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        var delivered = Enumerable.Range(0, 7).Select(i => mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address, subject: $"Mail {i}"), inbox.Id)).ToList();
        var sut = sandbox.Sdk();
        var delta = sut.Users[mailbox.Address].MailFolders["inbox"].Messages.Delta;

        var page = await delta.GetAsDeltaGetResponseAsync(r =>
        {
            r.QueryParameters.ChangeType = "created";
            r.QueryParameters.Select = ["id", "subject", "from", "toRecipients", "receivedDateTime", "internetMessageId", "hasAttachments", "isRead"];
            r.Headers.Add("Prefer", [ImmutableIds, "odata.maxpagesize=3"]);
        }, Ct);
        var subjects = new List<string>();
        var pages = 1;
        while (true)
        {
            foreach (var message in page!.Value!)
            {
                subjects.Add(message.Subject!);
                Assert.Null(message.BodyPreview);
                Assert.False(message.IsRead);
                Assert.Equal(mailbox.Address, Assert.Single(message.ToRecipients!).EmailAddress!.Address);
                Assert.StartsWith("<sample-", message.InternetMessageId, StringComparison.Ordinal);
            }

            if (page.OdataNextLink is null)
            {
                break;
            }

            Assert.Null(page.OdataDeltaLink);
            page = await delta.WithUrl(page.OdataNextLink).GetAsDeltaGetResponseAsync(r => r.Headers.Add("Prefer", [ImmutableIds, "odata.maxpagesize=3"]), Ct);
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(delivered.Select(d => d.Subject), subjects);
        var deltaLink = Assert.IsType<string>(page.OdataDeltaLink);

        var later = mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address, subject: "Later"), inbox.Id);
        var next = await delta.WithUrl(deltaLink).GetAsDeltaGetResponseAsync(r => r.Headers.Add("Prefer", ImmutableIds), Ct);

        var only = Assert.Single(next!.Value!);
        Assert.Equal("Later", only.Subject);
        Assert.Equal(later.ImmutableId.Replace('/', '-').Replace('+', '_'), only.Id);
        Assert.NotNull(next.OdataDeltaLink);
    }

    [Fact]
    public async Task Sdk_lists_the_messages_of_a_folder_newest_first_in_pages()
    {
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address, subject: $"Mail {i}"), inbox.Id);
        }

        var sut = sandbox.Sdk();
        var first = await sut.Users[mailbox.Address].MailFolders["inbox"].Messages.GetAsync(r =>
        {
            r.QueryParameters.Top = 2;
            r.QueryParameters.Select = ["subject"];
        }, Ct);
        var subjects = new List<string>();
        await PageIterator<Message, MessageCollectionResponse>.CreatePageIterator(sut, first!, m =>
        {
            subjects.Add(m.Subject!);
            return true;
        }).IterateAsync(Ct);

        Assert.Equal(2, first!.Value!.Count);
        Assert.Equal(["Mail 2", "Mail 1", "Mail 0"], subjects);
    }

    [Fact]
    public async Task Sdk_reads_the_mime_of_a_message()
    {
        var mailbox = sandbox.NewMailbox();
        var item = mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address, attachmentBytes: 4096, subject: "With attachment"), mailbox.WellKnown("inbox").Id);
        var sut = sandbox.Sdk();
        var id = await FirstIdAsync(sut, mailbox.Address);

        await using var stream = await sut.Users[mailbox.Address].Messages[id].Content.GetAsync(cancellationToken: Ct);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy, Ct);

        Assert.Equal(item.Mime, copy.ToArray());
        var parsed = await MimeMessage.LoadAsync(new MemoryStream(copy.ToArray()), Ct);
        Assert.Equal("With attachment", parsed.Subject);
        Assert.Single(parsed.Attachments);
    }

    [Fact]
    public async Task Sdk_marks_a_message_read_and_unread()
    {
        var mailbox = sandbox.NewMailbox();
        var item = mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        var sut = sandbox.Sdk();
        var id = await FirstIdAsync(sut, mailbox.Address);

        var read = await sut.Users[mailbox.Address].Messages[id].PatchAsync(new Message { IsRead = true }, cancellationToken: Ct);
        Assert.True(read!.IsRead);
        Assert.True(item.IsRead);

        var unread = await sut.Users[mailbox.Address].Messages[id].PatchAsync(new Message { IsRead = false }, cancellationToken: Ct);
        Assert.False(unread!.IsRead);
        Assert.False(item.IsRead);
    }

    [Fact]
    public async Task Sdk_move_keeps_an_immutable_id_and_changes_a_default_id()
    {
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        var processed = mailbox.CreateFolder(inbox.Id, "Processed");
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox.Id);
        var sut = sandbox.Sdk();
        var immutableId = await FirstIdAsync(sut, mailbox.Address, immutable: true);

        var kept = await sut.Users[mailbox.Address].Messages[immutableId].Move.PostAsync(
            new MovePostRequestBody { DestinationId = "deleteditems" }, r => r.Headers.Add("Prefer", ImmutableIds), Ct);
        Assert.Equal(immutableId, kept!.Id);
        Assert.Single(mailbox.ItemsIn(mailbox.WellKnown("deleteditems").Id));

        var restId = (await sut.Users[mailbox.Address].Messages[immutableId].GetAsync(r => r.QueryParameters.Select = ["id", "parentFolderId"], Ct))!.Id;
        Assert.NotEqual(immutableId, restId);
        var moved = await sut.Users[mailbox.Address].Messages[restId].Move.PostAsync(
            new MovePostRequestBody { DestinationId = processed.Id.Replace('/', '-').Replace('+', '_') }, cancellationToken: Ct);

        Assert.NotEqual(restId, moved!.Id);
        Assert.Equal(processed.Id.Replace('/', '-').Replace('+', '_'), moved.ParentFolderId);
        var gone = await Assert.ThrowsAsync<ODataError>(() => sut.Users[mailbox.Address].Messages[restId].GetAsync(cancellationToken: Ct));
        Assert.Equal("ErrorItemNotFound", gone.Error!.Code);
        var stillThere = await sut.Users[mailbox.Address].Messages[immutableId].GetAsync(r => r.Headers.Add("Prefer", ImmutableIds), Ct);
        Assert.Equal(immutableId, stillThere!.Id);
    }

    [Fact]
    public async Task Sdk_batch_answers_each_request_and_a_throttled_one_with_its_own_429_and_retry_after()
    {
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox");
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox.Id);
        }

        var sut = sandbox.Sdk();
        var ids = (await sut.Users[mailbox.Address].MailFolders["inbox"].Messages.Delta.GetAsDeltaGetResponseAsync(
            r => r.Headers.Add("Prefer", ImmutableIds), Ct))!.Value!.Select(m => m.Id!).ToList();
        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.TooManyRequests, RetryAfterSeconds: 7));

        var batch = new BatchRequestContentCollection(sut);
        var steps = new List<string>();
        foreach (var id in ids)
        {
            var patch = sut.Users[mailbox.Address].Messages[id].ToPatchRequestInformation(new Message { IsRead = true }, r => r.Headers.Add("Prefer", ImmutableIds));
            steps.Add(await batch.AddBatchRequestStepAsync(patch));
        }

        var response = await sut.Batch.PostAsync(batch, Ct);
        var statuses = await response.GetResponsesStatusCodesAsync();

        Assert.Equal(2, statuses.Values.Count(s => s == HttpStatusCode.OK));
        var throttledId = Assert.Single(statuses, s => s.Value == HttpStatusCode.TooManyRequests).Key;
        using var throttled = await response.GetResponseByIdAsync(throttledId);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.Headers.RetryAfter!.Delta);
        Assert.Contains("TooManyRequests", await throttled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var succeeded = await response.GetResponseByIdAsync<Message>(statuses.First(s => s.Value == HttpStatusCode.OK).Key);
        Assert.True(succeeded.IsRead);
        Assert.Equal(2, mailbox.ItemsIn(inbox.Id).Count(m => m.IsRead));
    }

    private static async Task<string> FirstIdAsync(GraphServiceClient sut, string mailbox, bool immutable = false)
    {
        var page = await sut.Users[mailbox].MailFolders["inbox"].Messages.Delta.GetAsDeltaGetResponseAsync(r =>
        {
            r.QueryParameters.Select = ["id"];
            if (immutable)
            {
                r.Headers.Add("Prefer", ImmutableIds);
            }
        }, Ct);
        return page!.Value![0].Id!;
    }
}
