using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Listeners;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Hosting;

/// <summary>The outbox gauges of <c>/metrics</c> while a receiver refuses a delivery (its own server: nothing else is pending there).</summary>
[Collection(TelemetryRunsAlone.Name)]
public sealed class OutboxGaugeTests(TelemetryServerFixture server) : IClassFixture<TelemetryServerFixture>
{
    [Fact]
    public async Task Outbox_gauges_show_a_delivery_the_receiver_keeps_refusing()
    {
        var address = $"o{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = _ => 503;
        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url.ToString();
            l.WebhookSecret = receiver.Secret;
        });
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Requests >= 1), "the receiver is asked once");

        var created = await server.QueryAsync(db => db.WebhookDeliveries.Where(d => d.ListenerId == listener.Id).Select(d => d.CreatedAt).SingleAsync());
        PrometheusText metrics = null!;
        await ListenerServerFixture.EventuallyAsync(
            async () =>
            {
                metrics = new PrometheusText(await server.ScrapeAsync());
                return metrics.ValueOrNull("credo_webhook_outbox_pending") == 1 && metrics.ValueOrNull("credo_webhook_deliveries_total", "result=retry") >= 1;
            },
            "the gauge counts the pending delivery");

        var age = metrics.Value("credo_webhook_outbox_oldest_pending_age_seconds");
        Assert.InRange(age, 0.001, (TimeProvider.System.GetUtcNow() - created).TotalSeconds);
    }
}
