using System.Diagnostics;
using System.Text.RegularExpressions;
using Credo.Core.Webhooks;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Listeners;

namespace Credo.Server.Tests.Hosting;

/// <summary>The spans of a poll and of a webhook delivery in a running server, as OpenTelemetry's in-memory exporter receives them.</summary>
[Collection(TelemetryRunsAlone.Name)]
public sealed partial class TracingTests(TelemetryServerFixture server) : IClassFixture<TelemetryServerFixture>
{
    private static readonly string WebhookSecret = WebhookSignature.NewSecret();

    [Fact]
    public async Task A_poll_is_a_span_with_the_token_each_ews_request_recording_and_after_processing_below_it()
    {
        var (address, listener, receiver) = await PollAndDeliverAsync(mails: 2);
        await using var _ = receiver;

        var spans = server.Spans.Snapshot();
        var poll = Assert.Single(spans, s => s.OperationName == "credo.listener.poll" && Tag(s, "credo.listener.id") == listener.ToString() && Tag(s, "credo.poll.recorded") == "2");
        Assert.Equal("Credo.Listeners", poll.Source.Name);
        Assert.Equal(default, poll.ParentSpanId);
        Assert.Equal(("EWS", "success"), (Tag(poll, "credo.mail.protocol"), Tag(poll, "credo.poll.result")));
        var trace = spans.Where(s => s.TraceId == poll.TraceId).ToList();
        List<Activity> Children(Activity parent) => [.. trace.Where(s => s.ParentSpanId == parent.SpanId)];
        Activity Child(Activity parent, string name) => Assert.Single(Children(parent), s => s.DisplayName == name);

        var children = Children(poll).Select(s => s.DisplayName).ToList();
        Assert.Equal(["EWS GetItem", "EWS SyncFolderItems", "credo.listener.after_processing", "credo.listener.record", "credo.listener.token"], children.Distinct().Order(StringComparer.Ordinal));

        // The first poll asks the authorization server: the token request, and its HTTP request, are below the token span.
        var token = Child(poll, "credo.listener.token");
        var tokenRequest = Child(token, "credo.oauth.token.request");
        Assert.Equal(("Credo.OAuth", "success"), (tokenRequest.Source.Name, Tag(tokenRequest, "credo.oauth.result")));
        Assert.Single(Children(tokenRequest), IsHttpClient);

        foreach (var request in Children(poll).Where(s => s.Source.Name == "Credo.Ews"))
        {
            Assert.Equal(ActivityKind.Client, request.Kind);
            Assert.Equal(request.DisplayName["EWS ".Length..], Tag(request, "credo.mail.operation"));
            Assert.Single(Children(request), IsHttpClient);
        }

        Assert.Equal("2", Tag(Child(poll, "credo.listener.record"), "credo.record.recorded"));
        var afterProcessing = Child(poll, "credo.listener.after_processing");
        Assert.Equal("MarkRead", Tag(afterProcessing, "credo.after_processing.action"));
        Assert.Single(Children(Child(afterProcessing, "EWS UpdateItem")), IsHttpClient);

        AssertNothingSecret(spans, address);
    }

    [Fact]
    public async Task A_graph_poll_names_delta_value_and_batch_and_no_url_keeps_the_mailbox_address()
    {
        var address = $"g{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        var listener = await server.GraphListenerAsync(address);
        Activity? poll = null;
        await ListenerServerFixture.EventuallyAsync(
            () => Task.FromResult((poll = server.Spans.Snapshot().FirstOrDefault(s => s.OperationName == "credo.listener.poll" && Tag(s, "credo.listener.id") == listener.Id.ToString() && Tag(s, "credo.poll.recorded") == "3")) is not null),
            "the poll that records the mails ends");

        var trace = server.Spans.Snapshot().Where(s => s.TraceId == poll!.TraceId).ToList();
        var requests = trace.Where(s => s.Source.Name == "Credo.Graph").Select(s => s.DisplayName).ToList();
        Assert.Contains("Graph delta", requests);
        Assert.Equal(3, requests.Count(r => r == "Graph $value"));
        var batch = Assert.Single(trace, s => s.DisplayName == "Graph $batch");
        Assert.Equal(("$batch", "mark read"), (Tag(batch, "credo.mail.operation"), Tag(batch, "credo.mail.action")));
        Assert.Equal("credo.listener.after_processing", trace.Single(s => s.SpanId == batch.ParentSpanId).OperationName);

        // Graph's URLs name the mailbox (/users/{address}/...): the HTTP spans keep the path with the address replaced.
        var urls = trace.Where(IsHttpClient).Select(s => Tag(s, "url.full")!).ToList();
        Assert.Contains(urls, url => url.Contains("/users/{mailbox}/messages/", StringComparison.Ordinal) && url.EndsWith("/$value", StringComparison.Ordinal));
        AssertNothingSecret(trace, address);
    }

    [Fact]
    public async Task The_webhook_receiver_gets_a_traceparent_of_the_delivery_span()
    {
        var (address, _, receiver) = await PollAndDeliverAsync(mails: 1);
        await using var _ = receiver;

        var (deliveryId, header) = Assert.Single(receiver.TraceParents);
        var match = TraceParent().Match(header);
        Assert.True(match.Success, $"traceparent '{header}'");
        Activity delivery = null!;
        await ListenerServerFixture.EventuallyAsync(
            () => Task.FromResult((delivery = server.Spans.Snapshot().FirstOrDefault(s => s.OperationName == "credo.webhook.delivery" && Tag(s, "credo.delivery.id") == deliveryId)!) is not null),
            "the delivery span ends");

        Assert.Equal(("Credo.Webhooks", "delivered", "200"), (delivery.Source.Name, Tag(delivery, "credo.delivery.result"), Tag(delivery, "http.response.status_code")));
        Assert.Equal(delivery.TraceId.ToHexString(), match.Groups["trace"].Value);

        // The receiver's parent is the POST below the delivery span.
        var parent = Assert.Single(server.Spans.Snapshot(), s => s.SpanId.ToHexString() == match.Groups["span"].Value);
        Assert.True(IsHttpClient(parent));
        Assert.Equal(delivery.SpanId, parent.ParentSpanId);
        AssertNothingSecret(server.Spans.Snapshot(), address);
    }

    private async Task<(string Address, Guid Listener, WebhookReceiver Receiver)> PollAndDeliverAsync(int mails)
    {
        var address = $"t{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < mails; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        var receiver = await WebhookReceiver.StartAsync(WebhookSecret);
        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url + "?token=query-secret";
            l.WebhookSecret = receiver.Secret;
        });
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.RecordedAsync(listener.Id) == mails && receiver.Deliveries.Count == mails
                && server.Spans.Snapshot().Any(s => s.OperationName == "credo.listener.poll" && Tag(s, "credo.listener.id") == listener.Id.ToString() && Tag(s, "credo.poll.recorded") == mails.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "the mails are recorded and delivered, and the poll's span has ended");
        return (address, listener.Id, receiver);
    }

    // No secret, token, query string or mail address in any span (name, attribute, status), nor in any log line.
    private void AssertNothingSecret(IEnumerable<Activity> spans, string address)
    {
        string[] forbidden = [SandboxClient.Default().ClientSecret, WebhookSecret, "query-secret", "eyJ", "Bearer", address, address.Replace("@", "%40", StringComparison.Ordinal)];
        foreach (var span in spans)
        {
            var text = string.Join('\n', new[] { span.DisplayName, span.StatusDescription }
                .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}"))));
            foreach (var value in forbidden)
            {
                Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
            }

            if (span.GetTagItem("url.full") is string url)
            {
                Assert.DoesNotContain('?', url);
            }
        }

        server.AssertLogsHoldNone(SandboxClient.Default().ClientSecret, WebhookSecret, "eyJ", "Bearer ");
    }

    private static bool IsHttpClient(Activity span) => span.Kind == ActivityKind.Client && span.GetTagItem("http.request.method") is not null;

    private static string? Tag(Activity span, string name) => span.GetTagItem(name) switch
    {
        null => null,
        IFormattable value => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var value => value.ToString(),
    };

    [GeneratedRegex("^00-(?<trace>[0-9a-f]{32})-(?<span>[0-9a-f]{16})-0[01]$")]
    private static partial Regex TraceParent();
}
