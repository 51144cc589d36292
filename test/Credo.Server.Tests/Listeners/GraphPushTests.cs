using System.Diagnostics;
using System.Net;
using System.Text;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Security;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Graph.Subscriptions;
using Microsoft.EntityFrameworkCore;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Graph listeners with push, against the sandbox's Microsoft Graph, which validates <c>/hooks/graph</c> and posts change
/// notifications and lifecycle events to it: new mail recorded within seconds although the poll interval is 15 minutes,
/// lifecycle events answered with the right call and no mail lost or doubled, a wrong client state ignored, the
/// subscription ended when the listener is switched off, and an idle pushed listener that sends no request.
/// </summary>
public sealed class GraphPushTests(PushServerFixture server) : IClassFixture<PushServerFixture>
{
    private const int FifteenMinutes = 900;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task New_mail_is_recorded_within_seconds_although_the_poll_interval_is_fifteen_minutes()
    {
        var (mailbox, listener, _) = await PushedListenerAsync();
        using var toRecorded = Collector<double>("credo.push.notification_to_recorded");
        var latencies = new List<double>();
        for (var i = 1; i <= 20; i++)
        {
            var watch = Stopwatch.StartNew();
            Deliver(mailbox, 1);
            await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == i + 1, $"mail {i} is recorded");
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Graph push, 20 mails one at a time, poll interval {FifteenMinutes} s: mail -> recorded p50 {latencies[10]:N0} ms, max {latencies[^1]:N0} ms");

        // Without push the first of them would wait up to fifteen minutes; each took seconds.
        Assert.All(latencies, ms => Assert.InRange(ms, 0, 60_000));
        Assert.Equal(21, (await Keys(listener.Id)).Distinct().Count());

        // Each mail's notification is timed to the first mail recorded after it (one a poll may record before its own
        // notification is acted on; that notification then finds nothing new and is not timed).
        var observed = toRecorded.GetMeasurementSnapshot();
        TestContext.Current.TestOutputHelper?.WriteLine($"credo.push.notification_to_recorded: {observed.Count} observed, mean {observed.Average(m => m.Value):N3} s");
        Assert.InRange(observed.Count, 10, 20);
        Assert.All(observed, m => Assert.InRange(m.Value, 0, 60));
    }

    [Fact]
    public async Task Mail_notified_while_a_poll_runs_is_recorded_by_a_poll_right_after_it()
    {
        var (mailbox, listener, _) = await PushedListenerAsync();

        // Every Graph request of this mailbox takes 1.5 s from now on, so that a poll lasts a few seconds.
        mailbox.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.Delay, 1, DelayMilliseconds: 1500));
        mailbox.ResetRequests();
        Deliver(mailbox, 1);

        // Once the poll has listed the first mail (it fetches it now), a second one arrives: its notification comes
        // while the poll runs, after it read the mailbox.
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(mailbox.Requests.ByOperation.GetValueOrDefault("graph:getMime") >= 1), "the poll fetches the first mail");
        Deliver(mailbox, 1);

        // Not at the safety net's fifteen minutes: at once after the running poll.
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 3, "the second mail is recorded by the poll after");
        mailbox.SetFaultRate(null);
    }

    [Fact]
    public async Task An_idle_pushed_listener_sends_no_request_between_its_safety_net_polls()
    {
        var (mailbox, listener, _) = await PushedListenerAsync();
        mailbox.ResetRequests();

        await Task.Delay(TimeSpan.FromSeconds(5), Ct);

        var requests = mailbox.Requests;
        TestContext.Current.TestOutputHelper?.WriteLine($"Idle pushed Graph listener, 5 s: {requests.Total} requests to its mailbox");
        Assert.Equal(0, requests.Total);
        Assert.Equal(1, await server.RecordedAsync(listener.Id));
    }

    [Fact]
    public async Task A_notification_with_another_client_state_wakes_nothing()
    {
        var (mailbox, listener, subscription) = await PushedListenerAsync();
        var due = await NextPollAsync(listener.Id);
        mailbox.ResetRequests();

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var forged = await http.PostAsync("/hooks/graph", Notification(subscription, "a-guessed-client-state-of-44-characters-xxxxx"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, forged.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(due, await NextPollAsync(listener.Id));
        Assert.Equal(0, mailbox.Requests.Total);

        // The same with the subscription's own client state makes it poll at once.
        var clientState = await server.QueryAsync(db => db.EmailListeners.Where(l => l.Id == listener.Id).Select(l => l.ProtectedPushClientState).SingleAsync(Ct));
        var real = server.Services.GetRequiredService<SecretProtector>().TryUnprotectPushClientState(clientState!)!;
        using var genuine = await http.PostAsync("/hooks/graph", Notification(subscription, real), Ct);
        Assert.Equal(HttpStatusCode.Accepted, genuine.StatusCode);
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(mailbox.Requests.ByOperation.GetValueOrDefault("graph:delta") > 0), "the genuine notification makes it poll");
    }

    [Fact]
    public async Task Notifications_of_unknown_subscriptions_and_beyond_a_subscriptions_rate_are_dropped_before_the_queue()
    {
        var (mailbox, _, subscription) = await PushedListenerAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var dropped = Collector<long>("credo.push.notifications.dropped");
        using var received = Collector<long>("credo.push.notifications");

        // Junk: 100 subscriptions no listener has, answered 202 as Graph expects, and never checked against the database.
        var junk = string.Join(",", Enumerable.Range(0, 100).Select(_ => $$"""{"subscriptionId":"{{Guid.NewGuid()}}","clientState":"x","changeType":"created"}"""));
        using (var posted = await http.PostAsync("/hooks/graph", new StringContent($$"""{"value":[{{junk}}]}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        // A flood of one real subscription (with guessed client states): a burst goes through, the rest is dropped.
        mailbox.ResetRequests();
        var flood = string.Join(",", Enumerable.Range(0, 2 * PushGate.Burst).Select(i => $$"""{"subscriptionId":"{{subscription}}","clientState":"guess-{{i}}","changeType":"created"}"""));
        using (var posted = await http.PostAsync("/hooks/graph", new StringContent($$"""{"value":[{{flood}}]}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        PushCounts after = default;
        await ListenerServerFixture.EventuallyAsync(
            () => Task.FromResult((after = new(Sum(dropped, "reason", "unknown_subscription"), Sum(dropped, "reason", "rate_limited"), Sum(received, "kind", "rejected"))).Rejected >= PushGate.Burst - 5),
            "the burst let through is checked and rejected");
        TestContext.Current.TestOutputHelper?.WriteLine($"Dropped: {after.Unknown} unknown, {after.RateLimited} over the rate; rejected after the queue: {after.Rejected}");
        Assert.Equal(100, after.Unknown);
        Assert.InRange(after.RateLimited, PushGate.Burst - 5, PushGate.Burst);
        Assert.Equal(2 * PushGate.Burst, after.RateLimited + after.Rejected);
        Assert.Equal(0, mailbox.Requests.Total);
    }

    [Fact]
    public async Task Lifecycle_events_each_lead_to_their_call_and_no_mail_is_lost_or_doubled()
    {
        var (mailbox, listener, subscription) = await PushedListenerAsync();

        // missed: a delta poll, which would find mail whose notifications were lost.
        mailbox.ResetRequests();
        Assert.True(server.Sandbox.Subscriptions.SendLifecycleEvent(subscription, SandboxLifecycleEvent.Missed));
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(mailbox.Requests.ByOperation.GetValueOrDefault("graph:delta") >= 1), "a missed event makes it poll");

        // reauthorizationRequired: Credo reauthorizes the subscription.
        Assert.True(server.Sandbox.Subscriptions.SendLifecycleEvent(subscription, SandboxLifecycleEvent.ReauthorizationRequired));
        await ListenerServerFixture.EventuallyAsync(
            () => Task.FromResult(mailbox.Requests.ByOperation.GetValueOrDefault("graph:reauthorizeSubscription") == 1
                && server.Sandbox.Subscriptions.Find(subscription) is { ReauthorizationRequired: false }),
            "the subscription is reauthorized");

        // subscriptionRemoved: a new subscription, through which the next mails are notified.
        mailbox.ResetRequests();
        Assert.True(server.Sandbox.Subscriptions.SendLifecycleEvent(subscription, SandboxLifecycleEvent.SubscriptionRemoved));
        string? replacement = null;
        await ListenerServerFixture.EventuallyAsync(
            async () => (replacement = await SubscriptionAsync(listener.Id)) is { } id && id != subscription && server.Sandbox.Subscriptions.Find(id) is not null,
            "a new subscription replaces the removed one");
        Assert.True(mailbox.Requests.ByOperation.GetValueOrDefault("graph:delta") >= 1);
        Deliver(mailbox, 2);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 3, "mail after the new subscription is recorded");

        Assert.Equal(3, (await Keys(listener.Id)).Distinct().Count());
        Assert.Equal(1, server.Sandbox.Subscriptions.All.Count(s => s.Mailbox == mailbox.Address || s.Resource.Contains(mailbox.Address, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Switching_the_listener_off_ends_its_subscription()
    {
        var (_, listener, subscription) = await PushedListenerAsync();

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
            var current = (await listeners.FindAsync(listener.Id.ToString(), Ct))!;
            var input = ListenerInput.From(current);
            input.Enabled = false;
            Assert.Equal(Core.ChangeStatus.Done, (await listeners.UpdateAsync(current.Id, current.Version, input, "tests", Ct)).Status);
        }

        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(server.Sandbox.Subscriptions.Find(subscription) is null), "the subscription is deleted at Graph");
        Assert.Null(await server.QueryAsync(db => db.EmailListeners.Where(l => l.Id == listener.Id).Select(l => l.PushSubscriptionId).SingleAsync(Ct)));
    }

    [Fact]
    public async Task The_API_shows_the_push_setting_and_the_subscriptions_state_and_expiry()
    {
        var (_, listener, subscription) = await PushedListenerAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await server.CreateApiKeyAsync(Core.Users.UserRole.Viewer));

        using var answer = await http.GetAsync($"/api/v1/listeners/{listener.Id}", Ct);
        using var json = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));

        Assert.True(json.RootElement.GetProperty("graph").GetProperty("push").GetBoolean());
        var push = json.RootElement.GetProperty("health").GetProperty("push");
        Assert.Equal("Active", push.GetProperty("state").GetString());
        Assert.Equal(subscription, push.GetProperty("subscriptionId").GetString());
        Assert.Equal(server.Sandbox.Subscriptions.Find(subscription)!.ExpirationDateTime, push.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal("OK", json.RootElement.GetProperty("health").GetProperty("status").GetString());

        // The gauge of subscriptions by state counts it (a reading serves 5 s).
        using var subscriptions = Collector<long>("credo.push.subscriptions");
        await ListenerServerFixture.EventuallyAsync(
            () =>
            {
                subscriptions.RecordObservableInstruments();
                return Task.FromResult(Sum(subscriptions, "state", "Active") >= 1);
            },
            "credo.push.subscriptions counts the active subscription");
    }

    [Fact]
    public async Task Without_an_interval_a_pushed_Graph_listener_polls_every_fifteen_minutes_and_others_every_thirty_seconds()
    {
        var mailbox = server.Sandbox.Mailboxes.Create($"default-{Guid.NewGuid():N}@sandbox.test");

        var pushed = await server.GraphListenerAsync(mailbox.Address, i => i.PollIntervalSeconds = null);
        var polled = await server.GraphListenerAsync(mailbox.Address, i =>
        {
            i.PollIntervalSeconds = null;
            i.Settings.Set(GraphProtocol.Id, GraphProtocol.PushKey, "false");
        });
        var ews = await server.ListenerAsync(mailbox.Address, i => i.PollIntervalSeconds = null);

        Assert.Equal((900, 30, 30), (pushed.PollIntervalSeconds, polled.PollIntervalSeconds, ews.PollIntervalSeconds));
    }

    [Fact]
    public async Task The_hooks_answer_Graphs_validation_and_refuse_what_is_not_a_notification()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var validation = await http.PostAsync("/hooks/graph/lifecycle?validationToken=Validation%3A%20Testing%20client%20application", null, Ct);
        Assert.Equal(HttpStatusCode.OK, validation.StatusCode);
        Assert.Equal("text/plain", validation.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Validation: Testing client application", await validation.Content.ReadAsStringAsync(Ct));

        using var notJson = await http.PostAsync("/hooks/graph", new StringContent("<xml/>", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        using var tooLarge = await http.PostAsync("/hooks/graph", new ByteArrayContent(new byte[2 * 1024 * 1024]), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    // A Graph listener with push and a 15-minute interval, its first poll done (one mail recorded) and subscribed.
    private async Task<(SandboxMailbox Mailbox, EmailListener Listener, string SubscriptionId)> PushedListenerAsync()
    {
        var mailbox = server.Sandbox.Mailboxes.Create($"push-{Guid.NewGuid():N}@sandbox.test");
        Deliver(mailbox, 1);
        var listener = await server.GraphListenerAsync(mailbox.Address, i => i.PollIntervalSeconds = FifteenMinutes);
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == 1 && await SubscriptionAsync(listener.Id) is not null && await LastPollAsync(listener.Id) is not null,
            "the first poll records the mail, subscribes and writes its outcome (its next due time)");
        var subscription = (await SubscriptionAsync(listener.Id))!;
        var atGraph = server.Sandbox.Subscriptions.Find(subscription);
        Assert.NotNull(atGraph);
        Assert.Equal("created", atGraph.ChangeType);
        Assert.Equal(new Uri(server.BaseAddress, "/hooks/graph"), atGraph.NotificationUrl);
        Assert.Equal(new Uri(server.BaseAddress, "/hooks/graph/lifecycle"), atGraph.LifecycleNotificationUrl);
        var now = TimeProvider.System.GetUtcNow();
        Assert.InRange(atGraph.ExpirationDateTime, now + GraphMailSource.SubscriptionLife - TimeSpan.FromMinutes(5), now + GraphMailSource.SubscriptionLife);
        return (mailbox, listener, subscription);
    }

    // This server's own instruments: other servers in the test process have meters of the same name, which /metrics would mix in.
    private MetricCollector<T> Collector<T>(string instrument)
        where T : struct => new(server.Services.GetRequiredService<IMeterFactory>(), "Credo.Listeners", instrument);

    private static long Sum(MetricCollector<long> collector, string tag, string value) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    private Task<string?> SubscriptionAsync(Guid listenerId) =>
        server.QueryAsync(db => db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.PushSubscriptionId).SingleAsync(Ct));

    private Task<DateTimeOffset?> LastPollAsync(Guid listenerId) =>
        server.QueryAsync(db => db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.LastPollAt).SingleAsync(Ct));

    private Task<DateTimeOffset?> NextPollAsync(Guid listenerId) =>
        server.QueryAsync(db => db.EmailListeners.Where(l => l.Id == listenerId).Select(l => l.NextPollAt).SingleAsync(Ct));

    private Task<List<string>> Keys(Guid listenerId) =>
        server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listenerId).Select(m => m.DedupeKey).ToListAsync(Ct));

    private void Deliver(SandboxMailbox mailbox, int mails)
    {
        for (var i = 0; i < mails; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        }
    }

    private static StringContent Notification(string subscriptionId, string clientState) => new(
        $$"""{"value":[{"subscriptionId":"{{subscriptionId}}","clientState":"{{clientState}}","changeType":"created","resource":"Users/x/Messages/y","tenantId":"t"}]}""",
        Encoding.UTF8,
        "application/json");

    private readonly record struct PushCounts(long Unknown, long RateLimited, long Rejected);
}
