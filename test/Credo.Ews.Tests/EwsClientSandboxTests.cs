using Credo.Ews.Tests.Infrastructure;
using Credo.Net;
using Credo.Sandbox.Ews;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests;

/// <summary>Credo.Ews against the sandbox over loopback, with a token from the sandbox's authorization server.</summary>
public sealed class EwsClientSandboxTests(EwsSandboxFixture sandbox) : IClassFixture<EwsSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_name_that_does_not_exist_is_a_setting_to_fix_not_a_fault_to_retry()
    {
        var mailbox = sandbox.MailboxFor() with { EwsUrl = new Uri("https://ews.example.test/EWS/Exchange.asmx") };

        var folder = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.HostNotFound, folder.Error!.Kind);
        Assert.False(folder.Error.IsTransient);
        Assert.Contains("ews.example.test does not resolve", folder.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Check the EWS URL", folder.Error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Syncs_1000_mails_in_pages_fetches_them_in_batches_of_10_and_processes_them()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var invoices = store.CreateFolder(inbox.Id, "Invoices");
        for (var i = 0; i < 1000; i++)
        {
            store.Deliver(sandbox.Server.Mailboxes.Generate(address, attachmentBytes: i % 10 == 0 ? 1024 : 0, withoutMessageId: i % 50 == 0), inbox.Id);
        }

        // Sync in pages of 512 until the last item is in range.
        var ids = new List<EwsItemId>();
        string? state = null;
        var pages = 0;
        while (true)
        {
            var page = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, state, 512, Ct);
            Assert.True(page.Succeeded, page.ToString());
            pages++;
            ids.AddRange(page.Value.Changes.Select(c => c.ItemId));
            Assert.All(page.Value.Changes, c => Assert.Equal(SyncChangeKind.Create, c.Kind));
            state = page.Value.SyncState;
            if (page.Value.IncludesLastItemInRange)
            {
                break;
            }
        }

        Assert.Equal(2, pages);
        Assert.Equal(1000, ids.Select(i => i.Id).Distinct().Count());

        // Fetch with MIME in batches of at most 10.
        var messages = new List<EwsMessage>();
        foreach (var batch in ids.Chunk(10))
        {
            var fetched = await sandbox.Client.GetItemsAsync(mailbox, batch, includeMime: true, Ct);
            Assert.True(fetched.Succeeded, fetched.ToString());
            messages.AddRange(fetched.Value.Select(r => r.Value!));
        }

        Assert.Equal(1000, messages.Count);
        Assert.Equal(980, messages.Count(m => m.InternetMessageId is not null));
        Assert.Equal(100, messages.Count(m => m.HasAttachments == true));
        var first = messages[1];
        var parsed = first.ParseMime();
        Assert.Equal(first.Subject, parsed.Subject);
        Assert.Equal("<" + parsed.MessageId + ">", first.InternetMessageId);
        Assert.Equal(address, first.To.Single().Address);
        Assert.NotNull(first.From?.Address);

        // After-processing actions: mark read, move to Inbox/Invoices, delete.
        var read = await sandbox.Client.SetReadAsync(mailbox, [messages[0].ItemId], true, Ct);
        var target = await sandbox.Client.ResolveFolderAsync(mailbox, "Inbox/Invoices", Ct);
        Assert.True(target.Succeeded, target.ToString());
        Assert.Equal(invoices.Id, target.Value.FolderId);
        var moved = await sandbox.Client.MoveItemsAsync(mailbox, [messages[1].ItemId], EwsFolderId.FromId(target.Value.FolderId), Ct);
        var deleted = await sandbox.Client.DeleteItemsAsync(mailbox, [messages[2].ItemId], Ct);

        Assert.True(read.Value!.Single().Succeeded && moved.Value!.Single().Succeeded && deleted.Value!.Single().Succeeded);
        Assert.NotEqual(messages[1].ItemId.Id, moved.Value!.Single().Value!.Id);
        Assert.True(store.ItemsIn(inbox.Id).Single(i => i.Id == messages[0].ItemId.Id).IsRead);
        Assert.Single(store.ItemsIn(invoices.Id));
        Assert.Single(store.ItemsIn(store.WellKnown("deleteditems").Id));
        Assert.Equal(998, store.ItemsIn(inbox.Id).Count);

        // The next sync reports exactly those changes.
        var changes = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, state, 512, Ct);
        Assert.True(changes.Succeeded);
        Assert.Equal(
            [(SyncChangeKind.ReadFlagChange, messages[0].ItemId.Id), (SyncChangeKind.Delete, messages[1].ItemId.Id), (SyncChangeKind.Delete, messages[2].ItemId.Id)],
            changes.Value.Changes.Select(c => (c.Kind, c.ItemId.Id)));
        Assert.True(changes.Value.Changes[0].IsRead);

        var folder = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        Assert.Equal((998, 997), (folder.Value?.TotalCount, folder.Value?.UnreadCount));
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Fetches_a_batch_in_one_GetItem_and_reports_an_id_that_does_not_exist_on_its_own()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var items = Enumerable.Range(0, 2).Select(_ => store.Deliver(sandbox.Server.Mailboxes.Generate(address), inbox.Id)).ToList();
        EwsItemId[] ids = [new(items[0].Id, items[0].ChangeKey), new("AAMkAGNvbnRvc28gZG9lcyBub3QgaGF2ZSB0aGlzIGl0ZW0="), new(items[1].Id, items[1].ChangeKey)];
        var sent = sandbox.Traffic.Operations.Count;

        var result = await sandbox.Client.GetItemsAsync(mailbox, ids, includeMime: false, Ct);

        Assert.Equal(["GetItem"], sandbox.Traffic.Operations.Skip(sent));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, result.Value.Count);
        Assert.Equal((EwsErrorKind.ItemNotFound, "ErrorItemNotFound"), (result.Value[1].Error?.Kind, result.Value[1].Error?.ResponseCode));
        var found = new[] { result.Value[0], result.Value[2] };
        Assert.All(found, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(items.Select(i => (i.Id, i.Subject)), found.Select(r => (r.Value!.ItemId.Id, r.Value.Subject)));
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Connection_count_exceeded_on_GetItem_UpdateItem_and_MoveItem_is_typed_and_schema_valid()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var item = store.Deliver(sandbox.Server.Mailboxes.Generate(address), inbox.Id);
        EwsItemId[] ids = [new(item.Id, item.ChangeKey)];
        for (var i = 0; i < 3; i++)
        {
            store.Faults.Add(new SandboxFault(SandboxFaultKind.ConnectionCountExceeded));
        }

        var fetched = await sandbox.Client.GetItemsAsync(mailbox, ids, includeMime: false, Ct);
        var read = await sandbox.Client.SetReadAsync(mailbox, ids, true, Ct);
        var moved = await sandbox.Client.MoveItemsAsync(mailbox, ids, EwsFolderId.DeletedItems, Ct);

        Assert.Equal(EwsErrorKind.ConnectionCountExceeded, fetched.Value?.Single().Error?.Kind);
        Assert.Equal(EwsErrorKind.ConnectionCountExceeded, read.Value?.Single().Error?.Kind);
        Assert.Equal(EwsErrorKind.ConnectionCountExceeded, moved.Value?.Single().Error?.Kind);
        Assert.Equal([item.Id], store.ItemsIn(inbox.Id).Select(i => i.Id));
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Marks_25_items_read_in_one_UpdateItem_and_reports_an_item_deleted_beforehand_on_its_own()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var items = Enumerable.Range(0, 25).Select(_ => store.Deliver(sandbox.Server.Mailboxes.Generate(address), inbox.Id)).ToList();
        var ids = items.Select(i => new EwsItemId(i.Id, i.ChangeKey)).ToList();
        var deleted = await sandbox.Client.DeleteItemsAsync(mailbox, [ids[7]], Ct);
        Assert.True(deleted.Value?.Single().Succeeded, deleted.ToString());
        var sent = sandbox.Traffic.Operations.Count;

        var result = await sandbox.Client.SetReadAsync(mailbox, ids, true, Ct);

        Assert.Equal(["UpdateItem"], sandbox.Traffic.Operations.Skip(sent));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(25, result.Value.Count);
        Assert.Equal((EwsErrorKind.ItemNotFound, "ErrorItemNotFound"), (result.Value[7].Error?.Kind, result.Value[7].Error?.ResponseCode));
        var others = result.Value.Where((_, i) => i != 7).ToList();
        Assert.All(others, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(ids.Where((_, i) => i != 7).Select(i => i.Id), others.Select(r => r.Value!.Id));
        Assert.All(others.Zip(ids.Where((_, i) => i != 7)), pair => Assert.NotEqual(pair.Second.ChangeKey, pair.First.Value!.ChangeKey));
        Assert.All(store.ItemsIn(inbox.Id), i => Assert.True(i.IsRead));
        Assert.Equal(24, store.ItemsIn(inbox.Id).Count);
        Assert.Equal(ids.Where((_, i) => i != 7).Select(i => i.Id).Order(), store.ItemsIn(inbox.Id).Select(i => i.Id).Order());
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Moves_the_most_items_a_call_takes_in_one_MoveItem_and_returns_each_new_id()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var invoices = store.CreateFolder(inbox.Id, "Invoices");
        var ids = Enumerable.Range(0, EwsLimits.MaxItemsPerChange - 1)
            .Select(_ => store.Deliver(sandbox.Server.Mailboxes.Generate(address), inbox.Id))
            .Select(i => new EwsItemId(i.Id, i.ChangeKey))
            .Append(new EwsItemId("AAMkAGNvbnRvc28gZG9lcyBub3QgaGF2ZSB0aGlzIGl0ZW0="))
            .ToList();
        var sent = sandbox.Traffic.Operations.Count;

        var result = await sandbox.Client.MoveItemsAsync(mailbox, ids, EwsFolderId.FromId(invoices.Id), Ct);

        Assert.Equal(["MoveItem"], sandbox.Traffic.Operations.Skip(sent));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(EwsLimits.MaxItemsPerChange, result.Value.Count);
        Assert.Equal(EwsErrorKind.ItemNotFound, result.Value[^1].Error?.Kind);
        var moved = result.Value.SkipLast(1).Select(r => r.Value!.Id).ToList();
        Assert.Empty(moved.Intersect(ids.Select(i => i.Id)));
        Assert.Equal(moved.Order(), store.ItemsIn(invoices.Id).Select(i => i.Id).Order());
        Assert.Empty(store.ItemsIn(inbox.Id));
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Deletes_many_items_in_one_DeleteItem_into_Deleted_Items()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var items = Enumerable.Range(0, 40).Select(_ => store.Deliver(sandbox.Server.Mailboxes.Generate(address), inbox.Id)).ToList();
        var sent = sandbox.Traffic.Operations.Count;

        var result = await sandbox.Client.DeleteItemsAsync(mailbox, [.. items.Select(i => new EwsItemId(i.Id, i.ChangeKey))], Ct);

        Assert.Equal(["DeleteItem"], sandbox.Traffic.Operations.Skip(sent));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(40, result.Value.Count);
        Assert.All(result.Value, r => Assert.True(r.Succeeded && r.Value, r.ToString()));
        Assert.Empty(store.ItemsIn(inbox.Id));
        Assert.Equal(40, store.ItemsIn(store.WellKnown("deleteditems").Id).Count);
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task FindItem_pages_through_unread_items()
    {
        var (address, mailbox) = NewMailbox(out var store);
        var inbox = store.WellKnown("inbox");
        var items = Enumerable.Range(0, 25).Select(_ => store.Deliver(sandbox.Server.Mailboxes.Generate(address), inbox.Id)).ToList();
        await sandbox.Client.SetReadAsync(mailbox, [new EwsItemId(items[0].Id)], true, Ct);

        var first = await sandbox.Client.FindItemsAsync(mailbox, EwsFolderId.Inbox, unreadOnly: true, offset: 0, maxEntries: 10, Ct);
        var last = await sandbox.Client.FindItemsAsync(mailbox, EwsFolderId.Inbox, unreadOnly: true, offset: 20, maxEntries: 10, Ct);

        Assert.Equal((10, 24, false, 10), (first.Value!.Items.Count, first.Value.TotalItemsInView, first.Value.IncludesLastItemInRange, first.Value.NextOffset));
        Assert.Equal((4, true), (last.Value!.Items.Count, last.Value.IncludesLastItemInRange));
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Folder_path_that_does_not_exist_is_FolderNotFound()
    {
        var (_, mailbox) = NewMailbox(out _);

        var result = await sandbox.Client.ResolveFolderAsync(mailbox, "Inbox/Nope", Ct);

        Assert.Equal(EwsErrorKind.FolderNotFound, result.Error?.Kind);
        Assert.Contains("Nope", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_mailbox_is_MailboxNotFound_with_a_hint()
    {
        var mailbox = sandbox.MailboxFor("nobody@sandbox.test");

        var result = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.MailboxNotFound, result.Error?.Kind);
        Assert.Equal("ErrorNonExistentMailbox", result.Error?.ResponseCode);
        Assert.NotNull(result.Error?.Hint);
    }

    [Fact]
    public async Task Request_without_the_impersonation_header_is_refused_as_Exchange_refuses_it()
    {
        var (address, mailbox) = NewMailbox(out _);
        var token = await mailbox.Tokens.GetTokenAsync(Ct);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, sandbox.Server.EwsEndpoint)
        {
            Content = new StringContent(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\" xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\">" +
                "<soap:Header><t:RequestServerVersion Version=\"Exchange2013_SP1\"/></soap:Header>" +
                "<soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>",
                System.Text.Encoding.UTF8,
                "text/xml"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Value!.Value);
        request.Headers.Add("X-AnchorMailbox", address);

        using var response = await http.SendAsync(request, Ct);
        var answer = await Credo.Ews.Internal.EwsResponseReader.ReadAsync(await response.Content.ReadAsStreamAsync(Ct), Ct);

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal(EwsErrorKind.ImpersonationHeaderInvalid, answer.Fault?.Kind);
        Assert.Contains("ExchangeImpersonation SOAP header must be present", answer.Fault?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_without_full_access_as_app_is_Unauthorized_with_diagnostics()
    {
        var (address, _) = NewMailbox(out _);
        var mailbox = sandbox.MailboxFor(address, EwsSandboxFixture.NoRoleClient);

        var result = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Equal("invalid_token", result.Error?.AuthenticateError);
        Assert.Contains("no permissions", result.Error?.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_token_is_Unauthorized()
    {
        var options = new Credo.Sandbox.SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0, AccessTokenLifetime = TimeSpan.FromSeconds(1) };
        await using var shortLived = await Credo.Sandbox.SandboxServer.StartAsync(options, cancellationToken: Ct);
        var client = Credo.Sandbox.SandboxClient.Default();
        var token = await sandbox.Services.GetRequiredService<Credo.OAuth.ITokenClient>().RequestTokenAsync(
            new Credo.OAuth.ClientCredentials(shortLived.TokenEndpoint, client.ClientId, new Credo.OAuth.Secret(client.ClientSecret), Credo.OAuth.ScopeSet.Parse(Credo.Sandbox.SandboxClient.ExchangeOnlineScope)), Ct);
        var source = new FixedTokenSource(token.Value!);
        var mailbox = new EwsMailbox(shortLived.EwsEndpoint, Credo.Sandbox.SandboxOptions.DemoMailbox, source);

        // Wait (bounded) until the token has expired by the sandbox's clock.
        Result<EwsFolder, EwsError> result;
        var attempts = 0;
        do
        {
            await Task.Delay(250, Ct);
            result = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        }
        while (result.Succeeded && ++attempts < 120);

        Assert.Equal(EwsErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Equal("invalid_token", result.Error?.AuthenticateError);
        Assert.Equal(1, source.Rejections);
    }

    [Fact]
    public async Task Token_for_another_audience_is_Unauthorized()
    {
        var (address, _) = NewMailbox(out _);
        var mailbox = sandbox.MailboxFor(address, EwsSandboxFixture.OtherAudienceClient);

        var result = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Contains("audience", result.Error?.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_token_is_renewed_once_and_the_call_succeeds()
    {
        var (address, mailbox) = NewMailbox(out var store);
        store.Faults.Add(new SandboxFault(SandboxFaultKind.Unauthorized));

        var result = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Busy_with_BackOffMilliseconds_reports_the_wait_and_without_it_none()
    {
        var (_, mailbox) = NewMailbox(out var store);
        store.Faults.Add(new SandboxFault(SandboxFaultKind.ServerBusy, BackOffMilliseconds: 2750));
        store.Faults.Add(new SandboxFault(SandboxFaultKind.ServerBusy));

        var withBackOff = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var without = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var after = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal((EwsErrorKind.ServerBusy, TimeSpan.FromMilliseconds(2750)), (withBackOff.Error?.Kind, withBackOff.Error?.BackOff));
        Assert.Equal(EwsErrorKind.ServerBusy, without.Error?.Kind);
        Assert.Null(without.Error?.BackOff);
        Assert.True(withBackOff.Error?.IsTransient);
        Assert.True(after.Succeeded);
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Invalid_sync_state_and_connection_count_are_typed()
    {
        var (address, mailbox) = NewMailbox(out var store);
        store.Deliver(sandbox.Server.Mailboxes.Generate(address), store.WellKnown("inbox").Id);
        var initial = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, null, 10, Ct);
        store.Faults.Add(new SandboxFault(SandboxFaultKind.InvalidSyncState));
        store.Faults.Add(new SandboxFault(SandboxFaultKind.ConnectionCountExceeded));

        var invalid = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, initial.Value!.SyncState, 10, Ct);
        var busy = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var tampered = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, initial.Value.SyncState + "x", 10, Ct);
        var restart = await sandbox.Client.SyncFolderItemsAsync(mailbox, EwsFolderId.Inbox, null, 10, Ct);

        Assert.Equal(EwsErrorKind.InvalidSyncState, invalid.Error?.Kind);
        Assert.Equal(EwsErrorKind.ConnectionCountExceeded, busy.Error?.Kind);
        Assert.Equal(EwsErrorKind.InvalidSyncState, tampered.Error?.Kind);
        Assert.Single(restart.Value!.Changes);
        sandbox.Traffic.AssertValid();
    }

    [Fact]
    public async Task Server_error_page_and_503_are_typed()
    {
        var (_, mailbox) = NewMailbox(out var store);
        store.Faults.Add(new SandboxFault(SandboxFaultKind.InternalServerError));
        store.Faults.Add(new SandboxFault(SandboxFaultKind.ServiceUnavailable, BackOffMilliseconds: 3000));

        var error = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var unavailable = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal((EwsErrorKind.InvalidResponse, 500), (error.Error?.Kind, error.Error?.HttpStatus));
        Assert.Equal((EwsErrorKind.ServiceUnavailable, TimeSpan.FromSeconds(3)), (unavailable.Error?.Kind, unavailable.Error?.BackOff));
    }

    [Fact]
    public async Task Answer_slower_than_the_timeout_is_a_Timeout()
    {
        await using var services = sandbox.CreateServices(o => o.Timeout = TimeSpan.FromMilliseconds(300));
        var (address, _) = NewMailbox(out var store);
        var mailbox = sandbox.MailboxFor(address, services: services);
        store.Faults.Add(new SandboxFault(SandboxFaultKind.Delay, DelayMilliseconds: 5000));

        var result = await services.GetRequiredService<IEwsClient>().GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.Timeout, result.Error?.Kind);
    }

    private (string Address, EwsMailbox Mailbox) NewMailbox(out SandboxMailbox store)
    {
        var address = $"user{Guid.NewGuid():N}@sandbox.test"[..30] + "@sandbox.test";
        store = sandbox.Server.Mailboxes.Create(address);
        return (address, sandbox.MailboxFor(address));
    }
}
