using System.Collections.Concurrent;
using System.Text.Json;
using Credo.Core.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on Kestrel (127.0.0.1) that checks each Standard Webhooks signature as the README tells receivers
/// to, against its secret or any of <see cref="OtherSecrets"/>, and keeps every request as it came for independent verifiers.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private WebhookReceiver(string secret) => Secret = secret;

    /// <summary>The <c>whsec_</c> secret the listener under test is given.</summary>
    public string Secret { get; }

    /// <summary>Further secrets a signature may be made with (a receiver that accepts the old and the new during a change).</summary>
    public ConcurrentBag<string> OtherSecrets { get; } = [];

    /// <summary>Every request in arrival order: its <c>webhook-*</c> and <c>content-type</c> headers and the raw body.</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>Delivery id → payload of every delivery with a valid signature.</summary>
    public ConcurrentDictionary<string, JsonElement> Deliveries { get; } = new();

    public ConcurrentQueue<string> BadSignatures { get; } = new();

    /// <summary>Delivery id → the W3C <c>traceparent</c> header it came with (empty when none).</summary>
    public ConcurrentDictionary<string, string> TraceParents { get; } = new();

    public int Requests => _server.Requests;

    /// <summary>The status to answer with; default 200.</summary>
    public Func<int, int> Status { get; set; } = _ => 200;

    /// <summary>Starts a receiver for <paramref name="secret"/>, or for a new secret.</summary>
    public static async Task<WebhookReceiver> StartAsync(string? secret = null)
    {
        var receiver = new WebhookReceiver(secret ?? WebhookSignature.NewSecret());
        receiver._server = await LoopbackServer.StartAsync(receiver.HandleAsync);
        receiver.Url = receiver._server.Url("hooks/mail");
        return receiver;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, int n)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var headers = context.Request.Headers;
        var id = headers["webhook-id"].ToString();
        Received.Enqueue(new ReceivedWebhook(
            id, headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), headers.ContentType.ToString(), body));
        TraceParents[id] = headers["traceparent"].ToString();
        if (!new[] { Secret }.Concat(OtherSecrets).Any(secret => WebhookSignature.Verify(secret, id, headers["webhook-timestamp"].ToString(), body,
                headers["webhook-signature"].ToString(), TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(5))))
        {
            BadSignatures.Enqueue(id);
            context.Response.StatusCode = 400;
            return;
        }

        context.Response.StatusCode = Status(n);
        if (context.Response.StatusCode is >= 200 and < 300)
        {
            Deliveries[id] = JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}

/// <summary>One webhook request as it came: the Standard Webhooks headers, the content type and the raw body.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string ContentType, string Body);
