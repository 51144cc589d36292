using Credo.Core.Listeners;
using Credo.Core.Webhooks;
using Credo.Sandbox.Ews;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Webhooks as receivers' libraries see them: <c>standardwebhooks</c> (npm) verifies every attempt, retries and deliveries
/// during a secret change included, and the <c>cloudevents</c> SDK reads a CloudEvents delivery.
/// </summary>
public sealed class StandardWebhooksTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    [Fact]
    public async Task Standard_Webhooks_verifies_every_attempt_and_both_secrets_while_a_change_overlaps()
    {
        var (address, mailbox) = NewMailbox(2);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = n => n == 1 ? 500 : 200; // the first attempt fails and is retried
        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url.ToString();
            l.WebhookSecret = receiver.Secret;
        });
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 2), "both mails are delivered, one after a retry");

        // The administrator changes the secret; the receiver accepts the old and the new while it switches.
        var secret = WebhookSignature.NewSecret();
        receiver.OtherSecrets.Add(secret);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
            var current = (await listeners.FindAsync(listener.Id.ToString(), TestContext.Current.CancellationToken))!;
            var input = ListenerInput.From(current);
            input.WebhookSecret = secret;
            Assert.Equal(Credo.Core.ChangeStatus.Done, (await listeners.UpdateAsync(current.Id, current.Version, input, "tests", TestContext.Current.CancellationToken)).Status);
        }

        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 3), "the mail after the change is delivered");

        var requests = receiver.Received.ToList();
        Assert.Equal(4, requests.Count);
        Assert.Empty(receiver.BadSignatures);
        var verdicts = await WebhookVerifiers.RunAsync(requests, receiver.Secret, secret);

        // The retry carries the same webhook-id with a fresh timestamp, and verifies like the first attempt.
        var retried = requests.GroupBy(r => r.Id).Single(g => g.Count() == 2).ToList();
        Assert.NotEqual(retried[0].Timestamp, retried[1].Timestamp);
        Assert.All(verdicts.Take(3), v => Assert.Equal([receiver.Secret], v.VerifiedBy));
        // After the change the delivery carries both signatures: a receiver on either secret accepts it.
        Assert.Equal([receiver.Secret, secret], verdicts[3].VerifiedBy);
        Assert.Equal(2, requests[3].Signature.Split(' ').Length);
        Assert.All(requests, r => Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_CloudEvents_delivery_is_read_by_the_CloudEvents_SDK_and_verified_by_Standard_Webhooks()
    {
        var (address, _) = NewMailbox(1);
        await using var receiver = await WebhookReceiver.StartAsync();
        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url.ToString();
            l.WebhookSecret = receiver.Secret;
            l.WebhookFormat = WebhookFormat.CloudEvents;
        });
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 1), "the mail is delivered");

        var request = Assert.Single(receiver.Received);
        Assert.StartsWith("application/cloudevents+json", request.ContentType, StringComparison.Ordinal);
        var verdict = Assert.Single(await WebhookVerifiers.RunAsync([request], receiver.Secret));
        Assert.Equal([receiver.Secret], verdict.VerifiedBy);

        var message = await server.QueryAsync(db => db.ReceivedMessages.AsNoTracking().SingleAsync(m => m.ListenerId == listener.Id));
        var cloudEvent = verdict.CloudEvent!;
        Assert.Equal(("1.0", WebhookPayload.CloudEventType, request.Id, $"/listeners/{listener.Id}", "application/json"),
            (cloudEvent.Specversion, cloudEvent.Type, cloudEvent.Id, cloudEvent.Source, cloudEvent.Datacontenttype));
        Assert.Equal(message.InternetMessageId, cloudEvent.Subject);
        Assert.Equal(message.Id.ToString(), cloudEvent.DeliveryId); // data is the Standard body
        Assert.Equal(message.Id.ToString(), request.Id);
        Assert.True(DateTimeOffset.Parse(cloudEvent.Time, System.Globalization.CultureInfo.InvariantCulture) <= TimeProvider.System.GetUtcNow());
    }

    private (string Address, SandboxMailbox Mailbox) NewMailbox(int messages)
    {
        var address = $"w{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < messages; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        return (address, mailbox);
    }
}
