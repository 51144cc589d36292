using Credo.Core.Listeners;
using Credo.Sandbox.Ews;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Listeners;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Hosting;

/// <summary><c>/metrics</c> of a running server after real polls against the sandbox and real webhook deliveries.</summary>
[Collection(TelemetryRunsAlone.Name)]
public sealed class MetricsEndpointTests(TelemetryServerFixture server) : IClassFixture<TelemetryServerFixture>
{
    private const int Mails = 3;

    [Fact]
    public async Task Metrics_pass_promtool_and_count_the_polls_mails_waits_and_deliveries_that_happened()
    {
        var address = $"m{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        var inbox = mailbox.WellKnown("inbox");
        for (var i = 0; i < Mails; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), inbox.Id);
        }

        // Every second request is throttled, so some requests wait and are retried.
        mailbox.SetFaultRate(SandboxFaultRate.ServerBusy(2));
        await using var receiver = await WebhookReceiver.StartAsync();
        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url.ToString();
            l.WebhookSecret = receiver.Secret;
        });
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == Mails && mailbox.ItemsIn(inbox.Id).All(item => item.IsRead) && receiver.Deliveries.Count == Mails,
            "the mails are recorded, marked read and delivered");

        // Once a poll has ended after the throttling stopped, every wait the sandbox caused is counted.
        mailbox.SetFaultRate(null);
        var calm = TimeProvider.System.GetUtcNow();
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == listener.Id)) is { LastPollAt: { } last, LastError: null } && last > calm,
            "a poll succeeds after the throttling stopped");
        var faulted = mailbox.Requests.Faulted;
        Assert.True(faulted >= 1, "the sandbox throttled no request");

        PrometheusText metrics = null!;
        await ListenerServerFixture.EventuallyAsync(
            async () =>
            {
                metrics = new PrometheusText(await server.ScrapeAsync());
                return metrics.ValueOrNull("credo_listeners", "status=OK") == 1 && metrics.ValueOrNull("credo_webhook_outbox_pending") == 0;
            },
            "the gauges show the listener OK and the outbox empty");

        var (exitCode, output) = await Promtool.RunAsync(metrics.Text, Promtool.RepositoryRoot(), "check", "metrics");
        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {exitCode}: {output}");

        Assert.Equal(Mails, metrics.Value("credo_listener_messages_total", "protocol=EWS"));
        Assert.Equal(Mails, metrics.Value("credo_webhook_deliveries_total", "result=delivered"));
        Assert.Equal(faulted, metrics.Value("credo_listener_retry_waits_total", "protocol=EWS"));
        Assert.Equal(faulted * 0.3, metrics.Value("credo_listener_retry_wait_time_seconds_total", "protocol=EWS"), 6);
        Assert.Equal(1, metrics.Value("credo_oauth_token_requests_total", "result=success"));
        Assert.Equal(1, metrics.Value("credo_oauth_token_request_duration_seconds_count", "result=success"));
        Assert.True(metrics.Value("credo_oauth_token_cache_hits_total") >= 1);

        var polls = metrics.Value("credo_listener_polls_total", "protocol=EWS", "result=success");
        Assert.True(polls >= 1, $"{polls} successful polls");
        Assert.Equal(polls, metrics.Value("credo_listener_poll_duration_seconds_count", "protocol=EWS", "result=success"));
        Assert.Equal(polls, metrics.Value("credo_listener_poll_duration_seconds_bucket", "protocol=EWS", "result=success", "le=+Inf"));

        // Buckets in seconds (up to five minutes), not the SDK's default ones made for milliseconds.
        Assert.Equal(polls, metrics.Value("credo_listener_poll_duration_seconds_bucket", "protocol=EWS", "result=success", "le=300"));
        Assert.Equal(1, metrics.Value("credo_oauth_token_request_duration_seconds_bucket", "result=success", "le=+Inf"));
        Assert.Null(metrics.ValueOrNull("credo_oauth_token_request_duration_seconds_bucket", "result=success", "le=10000"));

        foreach (var status in Enum.GetValues<ListenerStatus>())
        {
            Assert.Equal(status == ListenerStatus.OK ? 1 : 0, metrics.Value("credo_listeners", $"status={status}"));
        }

        Assert.Equal(0, metrics.Value("credo_webhook_outbox_oldest_pending_age_seconds"));
        Assert.DoesNotContain(address, metrics.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(listener.Id.ToString(), metrics.Text, StringComparison.OrdinalIgnoreCase);
    }
}
