using System.Text;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Graph;
using Credo.Graph.Internal;
using Credo.Net;
using Credo.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Tests.Listeners.Sources.Graph;

/// <summary>
/// Exchanges recorded from Microsoft's Graph documentation (delta pages, a throttling answer, error shapes, a batch)
/// replayed through the Graph mail source and Credo's real Graph client.
/// </summary>
public sealed class GraphMailSourceReplayTests : IDisposable
{
    private const string NextLink = "https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM";
    private const string DeltaLink = "https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/delta?$deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY";

    private readonly GraphReplay _replay = new();
    private readonly ServiceProvider _services;
    private readonly GraphMailSource _sut;
    private readonly EmailListener _listener = new()
    {
        Name = "Invoices",
        Protocol = GraphProtocol.Id,
        Mailbox = "invoices@contoso.com",
        Folder = "Inbox",
        AfterProcessing = AfterProcessing.MarkRead,
    };

    public GraphMailSourceReplayTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoGraph();
        services.AddHttpClient(GraphClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _replay);
        _services = services.BuildServiceProvider();
        _sut = new GraphMailSource(
            _services.GetRequiredService<IGraphClient>(), _services.GetRequiredService<IOptionsMonitor<GraphOptions>>(), _services.GetRequiredService<IOptionsMonitor<PushOptions>>(), TimeProvider.System);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MailboxTarget Mailbox => MailboxTarget.Of(_listener, MailProtocols.Find(GraphProtocol.Id)!, new OneToken());

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Delta_pages_list_new_mail_and_end_at_the_delta_link()
    {
        _replay.Then("delta-page-1").Then("delta-page-2-final");

        var first = await _sut.ChangesAsync(Mailbox, null, Ct);
        var second = await _sut.ChangesAsync(Mailbox, first.Value!.SyncState, Ct);

        Assert.Equal(["AAMkADNkNAAASq35xAAA=", "AQMkADNkNAAAVRMKAAAAA=="], first.Value.Items.Select(i => i.ItemId));
        Assert.Equal(NextLink, first.Value.SyncState);
        Assert.False(first.Value.Complete);
        Assert.Equal(["AAMkADk0MGFkODE3LWEAAA="], second.Value!.Items.Select(i => i.ItemId));
        Assert.Equal(DeltaLink, second.Value.SyncState);
        Assert.True(second.Value.Complete);

        var (method, uri, prefer, authorization, _) = _replay.Requests[0];
        Assert.Equal(HttpMethod.Get, method);
        Assert.Equal(
            "https://graph.microsoft.com/v1.0/users/invoices%40contoso.com/mailFolders/inbox/messages/delta?changeType=created&$select=" + GraphClient.SelectedProperties,
            uri.AbsoluteUri);
        Assert.Equal("IdType=\"ImmutableId\", odata.maxpagesize=100", prefer);
        Assert.Equal("Bearer", authorization);
        Assert.Equal(NextLink, _replay.Requests[1].Uri.OriginalString);
    }

    [Fact]
    public async Task A_removed_message_is_left_out_and_a_flag_written_as_a_string_is_read()
    {
        _replay.Then("delta-next-round");

        var changes = await _sut.ChangesAsync(Mailbox, DeltaLink, Ct);

        var only = Assert.Single(changes.Value!.Items);
        Assert.Equal("AAMkADNkNAAASq35xAAA=", only.ItemId);
        Assert.True(Assert.IsType<GraphMessage>(only.Listing).IsRead);
    }

    [Fact]
    public async Task A_throttling_answer_asks_to_wait_as_long_as_Retry_After_says()
    {
        _replay.Then("throttled");

        var changes = await _sut.ChangesAsync(Mailbox, DeltaLink, Ct);

        Assert.Equal(MailErrorKind.Throttled, changes.Error!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), changes.Error.RetryAfter);
        Assert.Contains("TooManyRequests", changes.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("access-denied", MailErrorKind.Permanent, "Mail.ReadWrite")]
    [InlineData("mailbox-not-enabled", MailErrorKind.Permanent, "Exchange Online")]
    [InlineData("invalid-user", MailErrorKind.Permanent, "user principal name")]
    [InlineData("invalid-token", MailErrorKind.Permanent, "https://graph.microsoft.com/.default")]
    [InlineData("sync-state-not-found", MailErrorKind.InvalidSyncState, null)]
    public async Task Graph_errors_become_statuses_with_hints(string transcript, MailErrorKind kind, string? hint)
    {
        _replay.Then(transcript);

        var changes = await _sut.ChangesAsync(Mailbox, DeltaLink, Ct);

        Assert.Equal(kind, changes.Error!.Kind);
        if (hint is not null)
        {
            Assert.Contains(hint, changes.Error.Hint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_saved_link_to_another_host_starts_over_without_sending_the_token_there()
    {
        var changes = await _sut.ChangesAsync(Mailbox, "https://graph.example.net/v1.0/users/x/mailFolders/inbox/messages/delta?$deltatoken=abc", Ct);

        Assert.Equal(MailErrorKind.InvalidSyncState, changes.Error!.Kind);
        Assert.Empty(_replay.Requests);
    }

    [Fact]
    public async Task The_MIME_is_the_only_request_per_listed_mail()
    {
        _replay.Then("delta-page-1").Then("mime");
        var listed = (await _sut.ChangesAsync(Mailbox, null, Ct)).Value!.Items[0];

        var fetched = await _sut.FetchAsync(Mailbox, [listed], Ct);

        var mail = Assert.Single(fetched.Value!);
        Assert.Equal("Holiday hours update", mail.Subject);
        Assert.Contains("Our offices close at noon", Encoding.UTF8.GetString(mail.Mime), StringComparison.Ordinal);
        Assert.Equal(mail.Mime.Length, mail.Size);
        Assert.Equal(2, _replay.Requests.Count);
        Assert.EndsWith("/users/invoices%40contoso.com/messages/AAMkADNkNAAASq35xAAA%3D/$value", _replay.Requests[1].Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_processing_sends_again_only_what_Graph_throttled_inside_a_batch()
    {
        _replay.Then("batch-partly-throttled").Then("patched");
        IReadOnlyList<MailItem> batch = [Item("m1", isRead: false), Item("m2", isRead: false), Item("m3", isRead: false), Item("m4", isRead: true)];

        var first = await _sut.ApplyAsync(Mailbox, batch, Ct);
        var second = await _sut.ApplyAsync(Mailbox, batch, Ct);

        Assert.Equal(MailErrorKind.Throttled, first.Error!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Error.RetryAfter);
        Assert.True(second.Value);
        var (method, uri, _, _, body) = _replay.Requests[0];
        Assert.Equal((HttpMethod.Post, "https://graph.microsoft.com/v1.0/$batch"), (method, uri.AbsoluteUri));
        Assert.Contains("\"url\":\"/users/invoices%40contoso.com/messages/m3\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("m4", body, StringComparison.Ordinal);
        var retried = _replay.Requests[1];
        Assert.Equal((HttpMethod.Patch, "https://graph.microsoft.com/v1.0/users/invoices%40contoso.com/messages/m2", "{\"isRead\":true}"), (retried.Method, retried.Uri.AbsoluteUri, retried.Body));
    }

    private static MailItem Item(string id, bool isRead) => new(id, null, null, [], [], null, null, 0, false, isRead, []);

    private sealed class OneToken : IAccessTokenSource
    {
        private readonly AccessToken _token = new("replayed-token", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, LifetimeSource.Default, null);

        public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken) => new(Result.Success(_token));

        public void Reject(AccessToken token)
        {
        }
    }
}
