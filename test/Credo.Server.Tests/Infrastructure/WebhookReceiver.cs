using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>A webhook receiver on Kestrel (127.0.0.1) that checks each <c>Credo-Signature</c> as the README tells receivers to.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private WebhookReceiver(string secret) => Secret = secret;

    public string Secret { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Delivery id → payload of every delivery with a valid signature.</summary>
    public ConcurrentDictionary<string, JsonElement> Deliveries { get; } = new();

    public ConcurrentQueue<string> BadSignatures { get; } = new();

    /// <summary>Delivery id → the W3C <c>traceparent</c> header it came with (empty when none).</summary>
    public ConcurrentDictionary<string, string> TraceParents { get; } = new();

    public int Requests => _server.Requests;

    /// <summary>The status to answer with; default 200.</summary>
    public Func<int, int> Status { get; set; } = _ => 200;

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var receiver = new WebhookReceiver(secret);
        receiver._server = await LoopbackServer.StartAsync(receiver.HandleAsync);
        receiver.Url = receiver._server.Url("hooks/mail");
        return receiver;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, int n)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var id = context.Request.Headers["Credo-Delivery-Id"].ToString();
        TraceParents[id] = context.Request.Headers["traceparent"].ToString();
        if (!Verify(context.Request.Headers["Credo-Signature"].ToString(), body))
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

    // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
    private bool Verify(string header, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(t + "." + body));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
    }
}
