using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Graph.Subscriptions;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>
/// <c>/v1.0/subscriptions</c> on the wire: the validation request, Graph's limits, change notifications when mail
/// arrives, renewal, deletion, expiry, lifecycle events from the control API, and who may do what.
/// </summary>
public sealed class GraphSubscriptionTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private const string ImmutableIds = "IdType=\"ImmutableId\"";
    private static readonly string ClientState = new('s', 40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_a_subscription_validates_both_urls_and_answers_201_as_Graph()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var inboxId = RestId(mailbox.WellKnown("inbox").Id);
        var expiry = Now().AddMinutes(4200);
        var resource = $"users/{mailbox.Address}/mailFolders('{inboxId}')/messages";

        using var response = await CreateAsync(Body(receiver, resource, expiry));
        var body = await GraphJson.ReadAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.EndsWith("/v1.0/$metadata#subscriptions/$entity", body.GetProperty("@odata.context").GetString(), StringComparison.Ordinal);
        Assert.Equal(resource, body.GetProperty("resource").GetString());
        Assert.Equal("created", body.GetProperty("changeType").GetString());
        Assert.Equal(ClientState, body.GetProperty("clientState").GetString());
        Assert.Equal(receiver.NotificationUrl.ToString(), body.GetProperty("notificationUrl").GetString());
        Assert.Equal(receiver.LifecycleUrl.ToString(), body.GetProperty("lifecycleNotificationUrl").GetString());
        Assert.Equal(expiry, body.GetProperty("expirationDateTime").GetDateTimeOffset());
        Assert.Equal("sandbox-client", body.GetProperty("applicationId").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("creatorId").GetString()));
        Assert.Equal("v1_2", body.GetProperty("latestSupportedTlsVersion").GetString());

        Assert.Equal(["/hooks/graph", "/hooks/graph/lifecycle"], receiver.Validations.Select(v => v.Path));
        Assert.All(receiver.Validations, v => Assert.StartsWith("Validation: Testing client application reachability", v.Token, StringComparison.Ordinal));
        Assert.NotEqual(receiver.Validations[0].Token, receiver.Validations[1].Token);
        var held = Assert.IsType<SandboxSubscription>(sandbox.Server.Subscriptions.Find(id));
        Assert.Equal(mailbox.Address, held.Mailbox);
        Assert.Equal(expiry, held.ExpirationDateTime);
    }

    [Theory]
    [InlineData(ValidationAnswer.WrongToken, "Response must exactly match validationToken query parameter")]
    [InlineData(ValidationAnswer.ServerError, "Notification endpoint must respond with 200 OK to validation request")]
    [InlineData(ValidationAnswer.WrongContentType, "Content-Type text/plain")]
    public async Task A_wrong_answer_to_the_validation_request_is_400_ValidationError_and_creates_nothing(ValidationAnswer answer, string expected)
    {
        await using var receiver = await NotificationReceiver.StartAsync(answer);
        var mailbox = sandbox.NewMailbox();

        using var response = await CreateAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));
        var body = await GraphJson.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationError", GraphJson.ErrorCode(body));
        var message = body.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains(receiver.NotificationUrl.ToString(), message, StringComparison.Ordinal);
        Assert.Single(receiver.Validations);
        Assert.DoesNotContain(sandbox.Server.Subscriptions.All, s => s.Mailbox == mailbox.Address);
    }

    [Fact]
    public async Task A_validation_request_left_unanswered_times_out_and_is_400_ValidationError()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 1, NotificationTimeout = TimeSpan.FromSeconds(1) };
        await using var server = await SandboxServer.StartAsync(options, cancellationToken: Ct);
        await using var receiver = await NotificationReceiver.StartAsync(ValidationAnswer.Silence);
        var token = await new SandboxTokenProvider(sandbox.Http, server.TokenEndpoint, SandboxClient.Default(), SandboxClient.GraphScope)
            .GetAuthorizationTokenAsync(server.GraphEndpoint, cancellationToken: Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, server.GraphEndpoint + "/subscriptions")
        {
            Content = Json(Body(receiver, $"users/{SandboxOptions.DemoMailbox}/mailFolders/inbox/messages", Now().AddHours(1), lifecycle: false)),
        };
        request.Headers.Authorization = new("Bearer", token);

        using var response = await sandbox.Http.SendAsync(request, Ct);
        var body = await GraphJson.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationError", GraphJson.ErrorCode(body));
        Assert.Contains("timed out", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(server.Subscriptions.All);
    }

    [Fact]
    public async Task Mail_delivered_into_the_folder_is_notified_with_the_id_that_delta_returns()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)), immutableIds: true);

        using var deliver = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/mailboxes/{mailbox.Address}/messages"), new { count = 3 }, Ct);
        deliver.EnsureSuccessStatusCode();
        var notifications = await receiver.WaitForAsync(3);

        Assert.Equal(3, notifications.Count);
        Assert.All(receiver.Posts, p => Assert.StartsWith("application/json", p.ContentType, StringComparison.Ordinal));
        foreach (var notification in notifications)
        {
            Assert.Equal(id, notification.GetProperty("subscriptionId").GetString());
            Assert.Equal(ClientState, notification.GetProperty("clientState").GetString());
            Assert.Equal("created", notification.GetProperty("changeType").GetString());
            Assert.Equal(SandboxServer.TenantId, notification.GetProperty("tenantId").GetString());
            Assert.True(notification.GetProperty("subscriptionExpirationDateTime").GetDateTimeOffset() > Now());
            var data = notification.GetProperty("resourceData");
            var messageId = data.GetProperty("id").GetString();
            Assert.Equal($"Users/{mailbox.UserId}/Messages/{messageId}", notification.GetProperty("resource").GetString());
            Assert.Equal(notification.GetProperty("resource").GetString(), data.GetProperty("@odata.id").GetString());
            Assert.Equal("#Microsoft.Graph.Message", data.GetProperty("@odata.type").GetString());
            Assert.StartsWith("W/\"", data.GetProperty("@odata.etag").GetString(), StringComparison.Ordinal);
        }

        using var delta = sandbox.Request(HttpMethod.Get, $"users/{mailbox.Address}/mailFolders/inbox/messages/delta?$select=id", await sandbox.TokenAsync());
        delta.Headers.Add("Prefer", ImmutableIds);
        using var page = await sandbox.Http.SendAsync(delta, Ct);
        var deltaIds = (await GraphJson.ReadAsync(page)).GetProperty("value").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Order().ToList();
        Assert.Equal(deltaIds, notifications.Select(n => n.GetProperty("resourceData").GetProperty("id").GetString()).Order().ToList());

        // The sender counts a notification once the endpoint accepted it; the control API shows the counts.
        var counts = default(JsonElement);
        await WaitUntilAsync(async () =>
        {
            counts = await sandbox.Http.GetFromJsonAsync<JsonElement>(new Uri(sandbox.Server.BaseAddress, $"sandbox/subscriptions/{id}"), Ct);
            return counts.GetProperty("notificationsSent").GetInt32() == 3;
        });
        Assert.Equal(3, counts.GetProperty("notificationsQueued").GetInt32());
        Assert.Equal(0, counts.GetProperty("notificationsFailed").GetInt32());
        Assert.False(counts.TryGetProperty("clientState", out _));
    }

    [Fact]
    public async Task The_resource_may_name_the_user_by_id_and_the_folder_by_well_known_name_and_a_move_in_is_notified()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var item = mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        var id = await CreateIdAsync(Body(receiver, $"users/{mailbox.UserId}/mailFolders/Archive/messages", Now().AddHours(1)));

        using var move = sandbox.Request(HttpMethod.Post, $"users/{mailbox.Address}/messages/{RestId(item.Id)}/move", await sandbox.TokenAsync());
        move.Content = new StringContent("{\"destinationId\":\"archive\"}", Encoding.UTF8, "application/json");
        using var moved = await sandbox.Http.SendAsync(move, Ct);
        var movedId = (await GraphJson.ReadAsync(moved)).GetProperty("id").GetString();
        var notification = Assert.Single(await receiver.WaitForAsync());

        Assert.Equal(HttpStatusCode.Created, moved.StatusCode);
        Assert.Equal(id, notification.GetProperty("subscriptionId").GetString());
        Assert.Equal(movedId, notification.GetProperty("resourceData").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Mail_delivered_into_another_folder_is_not_notified()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));

        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("archive").Id);
        var queuedForArchive = sandbox.Server.Subscriptions.Find(id)!.NotificationsQueued;
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        await receiver.WaitForAsync();

        Assert.Equal(0, queuedForArchive);
        Assert.Single(receiver.Notifications());
        Assert.Equal(1, sandbox.Server.Subscriptions.Find(id)!.NotificationsQueued);
    }

    [Fact]
    public async Task Renewing_with_PATCH_moves_the_expiry_within_the_same_limits()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));
        var renewed = Now().AddMinutes(10_000);

        using var patch = await SendAsync(HttpMethod.Patch, $"subscriptions/{id}", new { expirationDateTime = renewed });
        using var tooFar = await SendAsync(HttpMethod.Patch, $"subscriptions/{id}", new { expirationDateTime = Now().AddMinutes(10_090) });
        using var get = await SendAsync(HttpMethod.Get, $"subscriptions/{id}");

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(renewed, (await GraphJson.ReadAsync(patch)).GetProperty("expirationDateTime").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.BadRequest, tooFar.StatusCode);
        Assert.Equal("InvalidRequest", GraphJson.ErrorCode(await GraphJson.ReadAsync(tooFar)));
        Assert.Equal(renewed, (await GraphJson.ReadAsync(get)).GetProperty("expirationDateTime").GetDateTimeOffset());
        Assert.Equal(renewed, sandbox.Server.Subscriptions.Find(id)!.ExpirationDateTime);
    }

    [Theory]
    [InlineData("expiry beyond 10,080 minutes", "InvalidRequest", "10080 minutes")]
    [InlineData("expiry in the past", "InvalidRequest", "in the future")]
    [InlineData("clientState of 129 characters", "InvalidRequest", "at most 128 characters")]
    [InlineData("unknown folder", "InvalidRequest", "does not have")]
    [InlineData("unknown user", "InvalidRequest", "does not exist")]
    [InlineData("unsupported resource", "InvalidRequest", "not supported")]
    [InlineData("unknown change type", "InvalidRequest", "changeType")]
    [InlineData("http notification URL off loopback", "ValidationError", "must use https")]
    [InlineData("no notification URL", "InvalidRequest", "required")]
    public async Task A_subscription_outside_Graphs_limits_is_400_without_a_validation_request(string wrong, string code, string expected)
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var body = new Dictionary<string, object?>
        {
            ["changeType"] = "created",
            ["notificationUrl"] = receiver.NotificationUrl.ToString(),
            ["resource"] = InboxOf(mailbox),
            ["expirationDateTime"] = Now().AddHours(1),
            ["clientState"] = ClientState,
        };
        switch (wrong)
        {
            case "expiry beyond 10,080 minutes": body["expirationDateTime"] = Now().AddMinutes(10_081); break;
            case "expiry in the past": body["expirationDateTime"] = Now().AddMinutes(-1); break;
            case "clientState of 129 characters": body["clientState"] = new string('c', 129); break;
            case "unknown folder": body["resource"] = $"users/{mailbox.Address}/mailFolders('AAMkNoSuchFolder')/messages"; break;
            case "unknown user": body["resource"] = "users/nobody@sandbox.test/mailFolders('inbox')/messages"; break;
            case "unsupported resource": body["resource"] = $"users/{mailbox.Address}/events"; break;
            case "unknown change type": body["changeType"] = "created,moved"; break;
            case "http notification URL off loopback": body["notificationUrl"] = "http://hooks.example.com/graph"; break;
            case "no notification URL": body.Remove("notificationUrl"); break;
        }

        using var response = await CreateAsync(body);
        var json = await GraphJson.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, GraphJson.ErrorCode(json));
        Assert.Contains(expected, json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Validations);
        Assert.DoesNotContain(sandbox.Server.Subscriptions.All, s => s.Mailbox == mailbox.Address);
    }

    [Fact]
    public async Task Deleting_a_subscription_answers_204_then_404_and_ends_its_notifications()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));

        using var delete = await SendAsync(HttpMethod.Delete, $"subscriptions/{id}");
        using var get = await SendAsync(HttpMethod.Get, $"subscriptions/{id}");
        using var again = await SendAsync(HttpMethod.Delete, $"subscriptions/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("ResourceNotFound", GraphJson.ErrorCode(await GraphJson.ReadAsync(get)));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await AssertNotNotifiedAsync(receiver, mailbox, id);
    }

    [Fact]
    public async Task An_expired_subscription_is_gone()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));

        using var expire = await sandbox.Http.PostAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/subscriptions/{id}/expire"), null, Ct);
        using var get = await SendAsync(HttpMethod.Get, $"subscriptions/{id}");
        using var list = await SendAsync(HttpMethod.Get, "subscriptions");
        using var patch = await SendAsync(HttpMethod.Patch, $"subscriptions/{id}", new { expirationDateTime = Now().AddHours(2) });

        Assert.Equal(HttpStatusCode.NoContent, expire.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.DoesNotContain((await GraphJson.ReadAsync(list)).GetProperty("value").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Null(sandbox.Server.Subscriptions.Find(id));
        await AssertNotNotifiedAsync(receiver, mailbox, id);
    }

    [Theory]
    [InlineData("reauthorizationRequired")]
    [InlineData("subscriptionRemoved")]
    [InlineData("missed")]
    public async Task A_lifecycle_event_from_the_control_API_arrives_at_the_lifecycle_url(string lifecycleEvent)
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));

        using var sent = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/subscriptions/{id}/lifecycle"), new { @event = lifecycleEvent }, Ct);
        var notification = Assert.Single(await receiver.WaitForAsync(path: "/hooks/graph/lifecycle"));

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal(id, notification.GetProperty("subscriptionId").GetString());
        Assert.Equal(lifecycleEvent, notification.GetProperty("lifecycleEvent").GetString());
        Assert.Equal(ClientState, notification.GetProperty("clientState").GetString());
        Assert.Equal(SandboxServer.TenantId, notification.GetProperty("tenantId").GetString());
        Assert.True(notification.TryGetProperty("subscriptionExpirationDateTime", out _));
        Assert.False(notification.TryGetProperty("resource", out _));
        Assert.Empty(receiver.Notifications());
        using var get = await SendAsync(HttpMethod.Get, $"subscriptions/{id}");
        Assert.Equal(lifecycleEvent == "subscriptionRemoved" ? HttpStatusCode.NotFound : HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(lifecycleEvent == "reauthorizationRequired", sandbox.Server.Subscriptions.Find(id)?.ReauthorizationRequired ?? false);
    }

    [Fact]
    public async Task Reauthorize_clears_a_pending_reauthorization()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));
        Assert.True(sandbox.Server.Subscriptions.SendLifecycleEvent(id, SandboxLifecycleEvent.ReauthorizationRequired));
        Assert.True(sandbox.Server.Subscriptions.Find(id)!.ReauthorizationRequired);

        using var reauthorize = await SendAsync(HttpMethod.Post, $"subscriptions/{id}/reauthorize");

        Assert.Equal(HttpStatusCode.NoContent, reauthorize.StatusCode);
        Assert.False(sandbox.Server.Subscriptions.Find(id)!.ReauthorizationRequired);
        await receiver.WaitForAsync(path: "/hooks/graph/lifecycle");
    }

    [Fact]
    public async Task The_control_API_refuses_an_unknown_lifecycle_event_and_one_without_a_lifecycle_url()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1), lifecycle: false));

        using var unknown = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/subscriptions/{id}/lifecycle"), new { @event = "renamed" }, Ct);
        using var noUrl = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/subscriptions/{id}/lifecycle"), new { @event = "missed" }, Ct);
        using var noSubscription = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/subscriptions/{Guid.NewGuid()}/lifecycle"), new { @event = "missed" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("reauthorizationRequired, subscriptionRemoved or missed", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, noUrl.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noSubscription.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_without_a_mail_permission_403_while_Mail_Read_may_subscribe()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var body = Body(receiver, InboxOf(mailbox), Now().AddHours(1));

        using var anonymous = await CreateAsync(body, token: "");
        using var noMail = await CreateAsync(body, token: await sandbox.TokenAsync(GraphSandboxFixture.NoMailClient));
        using var readOnly = await CreateAsync(body, token: await sandbox.TokenAsync(GraphSandboxFixture.ReadOnlyClient));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", GraphJson.ErrorCode(await GraphJson.ReadAsync(anonymous)));
        Assert.Equal(HttpStatusCode.Forbidden, noMail.StatusCode);
        Assert.Equal("ErrorAccessDenied", GraphJson.ErrorCode(await GraphJson.ReadAsync(noMail)));
        Assert.Equal(HttpStatusCode.Created, readOnly.StatusCode);
        Assert.Equal(GraphSandboxFixture.ReadOnlyClient.ClientId, (await GraphJson.ReadAsync(readOnly)).GetProperty("applicationId").GetString());
    }

    [Fact]
    public async Task An_application_sees_and_changes_only_its_own_subscriptions()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));
        var other = await sandbox.TokenAsync(GraphSandboxFixture.ReadOnlyClient);

        using var otherGet = await SendAsync(HttpMethod.Get, $"subscriptions/{id}", token: other);
        using var otherDelete = await SendAsync(HttpMethod.Delete, $"subscriptions/{id}", token: other);
        using var otherList = await SendAsync(HttpMethod.Get, "subscriptions", token: other);
        using var ownList = await SendAsync(HttpMethod.Get, "subscriptions");

        Assert.Equal(HttpStatusCode.NotFound, otherGet.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherDelete.StatusCode);
        Assert.DoesNotContain((await GraphJson.ReadAsync(otherList)).GetProperty("value").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Contains((await GraphJson.ReadAsync(ownList)).GetProperty("value").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.NotNull(sandbox.Server.Subscriptions.Find(id));
    }

    [Fact]
    public async Task A_refused_notification_is_retried_and_one_refused_every_time_is_given_up_and_counted()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var inbox = mailbox.WellKnown("inbox").Id;
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));

        receiver.FailNext(1);
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox);
        await receiver.WaitForAsync();
        await WaitUntilAsync(() => Task.FromResult(sandbox.Server.Subscriptions.Find(id)!.NotificationsSent == 1));
        var retried = sandbox.Server.Subscriptions.Find(id)!;

        receiver.FailNext(int.MaxValue);
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox);
        await WaitUntilAsync(() => Task.FromResult(sandbox.Server.Subscriptions.Find(id)!.NotificationsFailed == 1), seconds: 30);
        var failed = sandbox.Server.Subscriptions.Find(id)!;

        Assert.Equal(1, retried.FailedAttempts);
        Assert.Equal(1 + ChangeNotificationSender.MaxAttempts, receiver.Refused);
        Assert.Equal(1, failed.NotificationsSent);
        Assert.Equal(2, failed.NotificationsQueued);
        Assert.Equal(ChangeNotificationSender.MaxAttempts, failed.FailedAttempts);
        Assert.Single(receiver.Notifications());
    }

    [Fact]
    public async Task Subscription_requests_count_on_the_mailbox_and_an_idle_subscription_costs_none()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var id = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));
        (await SendAsync(HttpMethod.Get, $"subscriptions/{id}")).Dispose();
        (await SendAsync(HttpMethod.Patch, $"subscriptions/{id}", new { expirationDateTime = Now().AddHours(2) })).Dispose();
        (await SendAsync(HttpMethod.Post, $"subscriptions/{id}/reauthorize")).Dispose();
        var afterRequests = mailbox.Requests;

        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        await receiver.WaitForAsync();
        var afterNotification = mailbox.Requests;
        (await SendAsync(HttpMethod.Delete, $"subscriptions/{id}")).Dispose();

        Assert.Equal(4, afterRequests.Total);
        Assert.Equal(0, afterRequests.Faulted);
        Assert.Equal(4, afterRequests.ByProtocol[SandboxRequestCounts.Graph]);
        foreach (var operation in new[] { "graph:createSubscription", "graph:getSubscription", "graph:renewSubscription", "graph:reauthorizeSubscription" })
        {
            Assert.Equal(1, afterRequests.ByOperation[operation]);
        }

        Assert.Equal(4, afterNotification.Total);
        Assert.Equal(1, mailbox.Requests.ByOperation["graph:deleteSubscription"]);
    }

    /// <summary>
    /// Delivers a mail, then subscribes anew and delivers another: once the new subscription's notification arrived, the
    /// first one's would have too, had it been queued.
    /// </summary>
    private async Task AssertNotNotifiedAsync(NotificationReceiver receiver, SandboxMailbox mailbox, string goneId)
    {
        var inbox = mailbox.WellKnown("inbox").Id;
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox);
        var fence = await CreateIdAsync(Body(receiver, InboxOf(mailbox), Now().AddHours(1)));
        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), inbox);
        await receiver.WaitForAsync();

        var only = Assert.Single(receiver.Notifications());
        Assert.Equal(fence, only.GetProperty("subscriptionId").GetString());
        Assert.DoesNotContain(receiver.Notifications(), n => n.GetProperty("subscriptionId").GetString() == goneId);
    }

    private async Task<string> CreateIdAsync(object body, bool immutableIds = false)
    {
        using var response = await CreateAsync(body, immutableIds: immutableIds);
        var json = await GraphJson.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> CreateAsync(object body, string? token = null, bool immutableIds = false)
    {
        using var request = sandbox.Request(HttpMethod.Post, "subscriptions", token == "" ? null : token ?? await sandbox.TokenAsync());
        request.Content = Json(body);
        if (immutableIds)
        {
            request.Headers.Add("Prefer", ImmutableIds);
        }

        return await sandbox.Http.SendAsync(request, Ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = sandbox.Request(method, path, token ?? await sandbox.TokenAsync());
        if (body is not null)
        {
            request.Content = Json(body);
        }

        return await sandbox.Http.SendAsync(request, Ct);
    }

    private static Dictionary<string, object?> Body(NotificationReceiver receiver, string resource, DateTimeOffset expiry, bool lifecycle = true)
    {
        var body = new Dictionary<string, object?>
        {
            ["changeType"] = "created",
            ["notificationUrl"] = receiver.NotificationUrl.ToString(),
            ["resource"] = resource,
            ["expirationDateTime"] = expiry.ToString("o", CultureInfo.InvariantCulture),
            ["clientState"] = ClientState,
        };
        if (lifecycle)
        {
            body["lifecycleNotificationUrl"] = receiver.LifecycleUrl.ToString();
        }

        return body;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string InboxOf(SandboxMailbox mailbox) => $"users/{mailbox.Address}/mailFolders('inbox')/messages";

    private static string RestId(string ewsId) => ewsId.Replace('/', '-').Replace('+', '_');

    private static DateTimeOffset Now() => TimeProvider.System.GetUtcNow();

    /// <summary>Waits (polling, at most <paramref name="seconds"/>) until <paramref name="condition"/> holds.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 10)
    {
        var deadline = Now().AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(Now() < deadline, $"the condition did not hold within {seconds} s");
            await Task.Delay(50, Ct);
        }
    }
}
