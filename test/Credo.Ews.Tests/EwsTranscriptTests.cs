using System.Net;
using System.Text;
using System.Xml.Linq;
using Credo.Ews.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests;

/// <summary>Answers written from Microsoft's documented examples, replayed through the client, parsed into typed results.</summary>
public sealed class EwsTranscriptTests
{
    private static readonly XNamespace M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Initial_sync_lists_every_item_as_created()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("SyncFolderItems-Initial"));

        var result = await client.SyncFolderItemsAsync(Mailbox(), EwsFolderId.Inbox, null, 10, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("H4sIAAA==", result.Value.SyncState);
        Assert.True(result.Value.IncludesLastItemInRange);
        Assert.Equal(5, result.Value.Changes.Count);
        Assert.All(result.Value.Changes, c => Assert.Equal(SyncChangeKind.Create, c.Kind));
        Assert.Equal("CQAAABYAAABhFfgM7MNwSYx0VZ0GoBMJAAAATVdC", result.Value.Changes[0].ItemId.ChangeKey);
        AssertSchemaValid(replay, "SyncFolderItems-Initial");
        Assert.DoesNotContain("<m:SyncState>", replay.LastRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Later_sync_reports_updates_creates_read_flags_and_deletes()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("SyncFolderItems-Changes"));

        var result = await client.SyncFolderItemsAsync(Mailbox(), EwsFolderId.Inbox, "H4sIAAA==", 10, Ct);

        Assert.Equal(
            [SyncChangeKind.Update, SyncChangeKind.Create, SyncChangeKind.ReadFlagChange, SyncChangeKind.Delete],
            result.Value!.Changes.Select(c => c.Kind));
        Assert.False(result.Value.IncludesLastItemInRange);
        Assert.True(result.Value.Changes[2].IsRead);
        Assert.Equal("q1AwAAAA==", result.Value.Changes[3].ItemId.Id);
        Assert.Contains("<m:SyncState>H4sIAAA==</m:SyncState>", replay.LastRequest, StringComparison.Ordinal);
        AssertSchemaValid(replay, "SyncFolderItems-Changes");
    }

    [Fact]
    public async Task GetItem_reads_properties_and_MIME_and_reports_a_missing_item_on_its_own()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("GetItem-Mime"));

        var result = await client.GetItemsAsync(Mailbox(), [new EwsItemId("AAMkADBh=="), new EwsItemId("gone==")], includeMime: true, Ct);

        Assert.True(result.Succeeded, result.ToString());
        var message = result.Value[0].Value!;
        Assert.Equal("Invoice 4217", message.Subject);
        Assert.Equal("<invoice-4217@contoso.com>", message.InternetMessageId);
        Assert.Equal(new EwsAddress("Alfred Welker", "Alfred.Welker@contoso.com"), message.From);
        Assert.Equal("finance@contoso.com", message.To.Single().Address);
        Assert.Equal(new DateTimeOffset(2013, 8, 29, 15, 22, 10, TimeSpan.Zero), message.DateTimeReceived);
        Assert.Equal((2311L, false, false), (message.Size, message.HasAttachments, message.IsRead));
        Assert.Equal("invoice-4217@contoso.com", message.ParseMime().MessageId);
        Assert.Equal(EwsErrorKind.ItemNotFound, result.Value[1].Error?.Kind);
        Assert.Contains("<t:IncludeMimeContent>true</t:IncludeMimeContent>", replay.LastRequest, StringComparison.Ordinal);
        AssertSchemaValid(replay, "GetItem-Mime");
    }

    [Fact]
    public async Task Control_characters_Exchange_writes_as_character_references_are_read_not_refused()
    {
        // Exchange encodes characters XML 1.0 forbids rather than dropping them (KB "XML schema validation errors when
        // Exchange Web Service requests and responses have invalid XML characters").
        var transcript = ReplayHandler.Transcript("GetItem-Mime")
            .Replace("<t:Subject>Invoice 4217</t:Subject>", "<t:Subject>Invoice&#x1B;[31m 4217&#x7;&#x0;</t:Subject>", StringComparison.Ordinal)
            .Replace("<t:Name>Alfred Welker</t:Name>", "<t:Name>Alfred&#x1;Welker</t:Name>", StringComparison.Ordinal);
        var (client, _) = Client(HttpStatusCode.OK, transcript);

        var result = await client.GetItemsAsync(Mailbox(), [new EwsItemId("AAMkADBh=="), new EwsItemId("gone==")], includeMime: true, Ct);

        Assert.True(result.Succeeded, result.ToString());
        var message = result.Value[0].Value!;
        Assert.Equal("Invoice\u001b[31m 4217\u0007\0", message.Subject);
        Assert.Equal("Alfred\u0001Welker", message.From?.Name);
    }

    [Fact]
    public async Task UpdateItem_marks_many_items_read_in_one_request_and_reports_a_missing_item_on_its_own()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("UpdateItem-Batch"));
        EwsItemId[] ids = [new("AAMkADEx==", "CQAAABYAAABhFfgM7MNwSYx0VZ0GoBMJAAAATVdA"), new("gone=="), new("AAMkADEz==", "CQAAABYAAABhFfgM7MNwSYx0VZ0GoBMJAAAATVdB")];

        var result = await client.SetReadAsync(Mailbox(), ids, isRead: true, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(3, result.Value.Count);
        Assert.Equal(new EwsItemId("AAMkADEx==", "CQAAABYAAABhFfgM7MNwSYx0VZ0GoBMJAAAATVdD"), result.Value[0].Value);
        Assert.Equal(EwsErrorKind.ItemNotFound, result.Value[1].Error?.Kind);
        Assert.Equal(new EwsItemId("AAMkADEz==", "CQAAABYAAABhFfgM7MNwSYx0VZ0GoBMJAAAATVdE"), result.Value[2].Value);
        Assert.Equal(1, replay.Requests);
        var changes = Body(replay).Element(M + "ItemChanges")!.Elements().ToList();
        Assert.All(changes, c => Assert.Equal(T + "ItemChange", c.Name));
        Assert.Equal(ids.Select(i => i.Id), changes.Select(c => (string?)c.Element(T + "ItemId")?.Attribute("Id")));
        Assert.Equal([ids[0].ChangeKey, null, ids[2].ChangeKey], changes.Select(c => (string?)c.Element(T + "ItemId")?.Attribute("ChangeKey")));
        Assert.All(changes, c => Assert.Equal("true", (string?)c.Descendants(T + "IsRead").Single()));
        AssertSchemaValid(replay, "UpdateItem-Batch");
    }

    [Fact]
    public async Task MoveItem_moves_many_items_in_one_request_and_returns_each_new_id()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("MoveItem-Batch"));
        EwsItemId[] ids = [new("AAMkADBh=="), new("gone==")];

        var result = await client.MoveItemsAsync(Mailbox(), ids, EwsFolderId.FromId("AAMkADInvoices="), Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("AAMkADMoved==", result.Value[0].Value?.Id);
        Assert.Equal(EwsErrorKind.ItemNotFound, result.Value[1].Error?.Kind);
        Assert.Equal(1, replay.Requests);
        var body = Body(replay);
        Assert.Equal([M + "ToFolderId", M + "ItemIds"], body.Elements().Select(e => e.Name));
        Assert.Equal("AAMkADInvoices=", (string?)body.Element(M + "ToFolderId")!.Element(T + "FolderId")!.Attribute("Id"));
        Assert.Equal(ids.Select(i => i.Id), body.Element(M + "ItemIds")!.Elements(T + "ItemId").Select(e => (string?)e.Attribute("Id")));
        AssertSchemaValid(replay, "MoveItem-Batch");
    }

    [Fact]
    public async Task MoveItem_to_a_folder_that_is_gone_is_FolderNotFound_for_each_item()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("MoveItem-ToFolderNotFound"));

        var result = await client.MoveItemsAsync(Mailbox(), [new("a=="), new("b==")], EwsFolderId.FromId("AAMkADGone="), Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.All(result.Value, r => Assert.Equal((EwsErrorKind.FolderNotFound, "ErrorToFolderNotFound"), (r.Error?.Kind, r.Error?.ResponseCode)));
        AssertSchemaValid(replay, "MoveItem-ToFolderNotFound");
    }

    [Fact]
    public async Task DeleteItem_moves_many_items_to_Deleted_Items_in_one_request()
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("DeleteItem-Batch"));
        EwsItemId[] ids = [new("a=="), new("b=="), new("gone==")];

        var result = await client.DeleteItemsAsync(Mailbox(), ids, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal([true, true, false], result.Value.Select(r => r.Succeeded));
        Assert.Equal(EwsErrorKind.ItemNotFound, result.Value[2].Error?.Kind);
        Assert.Equal(1, replay.Requests);
        var body = Body(replay);
        Assert.Equal("MoveToDeletedItems", (string?)body.Attribute("DeleteType"));
        Assert.Equal(ids.Select(i => i.Id), body.Element(M + "ItemIds")!.Elements(T + "ItemId").Select(e => (string?)e.Attribute("Id")));
        AssertSchemaValid(replay, "DeleteItem-Batch");
    }

    [Fact]
    public async Task Answer_with_fewer_messages_than_items_is_InvalidResponse()
    {
        var (client, _) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("MoveItem-Batch"));

        var result = await client.MoveItemsAsync(Mailbox(), [new("a=="), new("b=="), new("c==")], EwsFolderId.DeletedItems, Ct);

        Assert.Equal(EwsErrorKind.InvalidResponse, result.Error?.Kind);
        Assert.Contains("2 response messages for 3 items", result.Error?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(EwsLimits.MaxItemsPerChange + 1)]
    public async Task Batch_of_no_items_or_more_than_the_limit_is_a_bug_and_sends_nothing(int count)
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("DeleteItem-Batch"));
        var ids = Enumerable.Range(0, count).Select(i => new EwsItemId($"id{i}==")).ToList();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.SetReadAsync(Mailbox(), ids, true, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.MoveItemsAsync(Mailbox(), ids, EwsFolderId.DeletedItems, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.DeleteItemsAsync(Mailbox(), ids, Ct));
        Assert.Equal(0, replay.Requests);
    }

    [Theory]
    [InlineData("Fault-ServerBusy", EwsErrorKind.ServerBusy, "ErrorServerBusy", 297749)]
    [InlineData("Fault-NonExistentMailbox", EwsErrorKind.MailboxNotFound, "ErrorNonExistentMailbox", null)]
    [InlineData("Fault-ImpersonateUserDenied", EwsErrorKind.ImpersonationDenied, "ErrorImpersonateUserDenied", null)]
    public async Task SOAP_faults_become_typed_errors(string transcript, EwsErrorKind kind, string code, int? backOffMilliseconds)
    {
        var (client, _) = Client(HttpStatusCode.InternalServerError, ReplayHandler.Transcript(transcript));

        var result = await client.GetFolderAsync(Mailbox(), EwsFolderId.Inbox, Ct);

        Assert.Equal(kind, result.Error?.Kind);
        Assert.Equal(code, result.Error?.ResponseCode);
        Assert.Equal(backOffMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, result.Error?.BackOff);
        Assert.Equal(500, result.Error?.HttpStatus);
    }

    [Theory]
    [InlineData("SyncFolderItems-InvalidSyncState", EwsErrorKind.InvalidSyncState)]
    [InlineData("GetFolder-ExceededConnectionCount", EwsErrorKind.ConnectionCountExceeded)]
    public async Task Operation_errors_inside_HTTP_200_become_typed_errors(string transcript, EwsErrorKind kind)
    {
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript(transcript));

        var result = transcript.StartsWith("Sync", StringComparison.Ordinal)
            ? (await client.SyncFolderItemsAsync(Mailbox(), EwsFolderId.Inbox, "stale", 10, Ct)).Error
            : (await client.GetFolderAsync(Mailbox(), EwsFolderId.Inbox, Ct)).Error;

        Assert.Equal(kind, result?.Kind);
        AssertSchemaValid(replay, transcript);
    }

    [Fact]
    public async Task Unauthorized_reports_the_bearer_error_and_diagnostics_after_one_renewal()
    {
        var source = FixedTokenSource.Any();
        var (client, _) = Client(HttpStatusCode.Unauthorized, null, headers: response =>
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\"");
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Basic Realm=\"\"");
            response.Headers.TryAddWithoutValidation("x-ms-diagnostics", "2000003;reason=\"The audience claim value is invalid for current resource.\";error_category=\"invalid_resource\"");
        });

        var result = await client.GetFolderAsync(Mailbox(source), EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Equal("invalid_token", result.Error?.AuthenticateError);
        Assert.Contains("audience claim value is invalid", result.Error?.Diagnostics, StringComparison.Ordinal);
        Assert.Equal(1, source.Rejections);
    }

    [Theory]
    [InlineData("truncated", "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:GetFolderResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\"><m:ResponseMessages><m:GetFolderRespo")]
    [InlineData("DTD", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>&b;</s:Body></s:Envelope>")]
    [InlineData("https namespaces of the docs", "<s:Envelope xmlns:s=\"https://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>")]
    [InlineData("wrong body namespace", "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:GetFolderResponse xmlns:m=\"https://schemas.microsoft.com/exchange/services/2006/messages\"/></s:Body></s:Envelope>")]
    [InlineData("not XML", "<html><body>Service unavailable</body></html> {not xml")]
    [InlineData("empty", "")]
    public async Task Malformed_answers_are_InvalidResponse_never_a_crash(string what, string body)
    {
        var (client, _) = Client(HttpStatusCode.OK, body);

        var result = await client.GetFolderAsync(Mailbox(), EwsFolderId.Inbox, Ct);

        Assert.True(result.Error?.Kind == EwsErrorKind.InvalidResponse, $"{what}: {result}");
    }

    [Fact]
    public async Task Answer_larger_than_the_cap_is_refused_without_reading_it_all()
    {
        var huge = new StringBuilder("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:GetItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><t:Subject>");
        huge.Append('x', 3 * 1024 * 1024).Append("</t:Subject></t:Message></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>");
        var (client, _) = Client(HttpStatusCode.OK, huge.ToString(), configure: o => o.MaxResponseBytes = 1024 * 1024);

        var result = await client.GetItemsAsync(Mailbox(), [new EwsItemId("a")], includeMime: false, Ct);

        Assert.Equal(EwsErrorKind.InvalidResponse, result.Error?.Kind);
        Assert.Contains("larger than 1 MiB", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_with_another_content_type_is_InvalidResponse()
    {
        var (client, _) = Client(HttpStatusCode.OK, "{\"error\":\"nope\"}", "application/json");

        var result = await client.GetFolderAsync(Mailbox(), EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.InvalidResponse, result.Error?.Kind);
        Assert.Contains("application/json", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_carry_version_impersonation_and_anchor_mailbox()
    {
        HttpRequestMessage? seen = null;
        var (client, replay) = Client(HttpStatusCode.OK, ReplayHandler.Transcript("SyncFolderItems-Initial"), capture: r => seen = r);

        await client.SyncFolderItemsAsync(Mailbox(), EwsFolderId.Inbox, null, 512, Ct);

        Assert.Contains("<t:RequestServerVersion Version=\"Exchange2013_SP1\" />", replay.LastRequest, StringComparison.Ordinal);
        Assert.Contains("<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>finance@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>", replay.LastRequest, StringComparison.Ordinal);
        Assert.Equal("finance@contoso.com", seen!.Headers.GetValues("X-AnchorMailbox").Single());
        Assert.Equal("Bearer", seen.Headers.Authorization?.Scheme);
        Assert.Equal("text/xml; charset=utf-8", seen.Content!.Headers.ContentType!.ToString());
    }

    /// <summary>The operation element of the last request's SOAP body.</summary>
    private static XElement Body(ReplayHandler replay) =>
        XDocument.Parse(replay.LastRequest!).Root!.Element((XNamespace)"http://schemas.xmlsoap.org/soap/envelope/" + "Body")!.Elements().Single();

    private static EwsMailbox Mailbox(FixedTokenSource? source = null) =>
        new(new Uri("https://outlook.office365.com/EWS/Exchange.asmx"), "finance@contoso.com", source ?? FixedTokenSource.Any());

    private static (IEwsClient Client, ReplayHandler Replay) Client(
        HttpStatusCode status,
        string? body,
        string contentType = "text/xml; charset=utf-8",
        Action<HttpResponseMessage>? headers = null,
        Action<EwsOptions>? configure = null,
        Action<HttpRequestMessage>? capture = null)
    {
        var replay = new ReplayHandler(status, body, contentType, response =>
        {
            headers?.Invoke(response);
            capture?.Invoke(response.RequestMessage!);
        });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoEws();
        services.Configure(configure ?? (_ => { }));
        services.AddHttpClient("Credo.Ews").ConfigurePrimaryHttpMessageHandler(() => replay);
        return (services.BuildServiceProvider().GetRequiredService<IEwsClient>(), replay);
    }

    private static void AssertSchemaValid(ReplayHandler replay, string transcript)
    {
        EwsSchema.Require();
        Assert.Empty(replay.RequestSchemaErrors);
        Assert.Empty(EwsSchema.Validate(ReplayHandler.Transcript(transcript)));
    }
}
