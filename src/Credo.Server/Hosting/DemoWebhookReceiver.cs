using System.Text;
using Credo.Core.Webhooks;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Credo.Server.Hosting;

/// <summary>
/// For <c>serve --demo</c>: a webhook receiver on a free loopback port, so that the demo listeners' deliveries show on
/// the first run. It checks the Standard Webhooks signature as the README tells receivers to (and the timestamp within
/// five minutes, against replays), and answers with a sentence that the
/// deliveries page shows as the receiver's answer.
/// </summary>
internal sealed class DemoWebhookReceiver : IAsyncDisposable
{
    public const string Path = "/demo/webhook";

    private readonly WebApplication _app;

    private DemoWebhookReceiver(WebApplication app, string secret, Uri url)
    {
        _app = app;
        Secret = secret;
        Url = url;
    }

    /// <summary>The signing secret the demo listeners are given (new on every start).</summary>
    public string Secret { get; }

    /// <summary>Where the demo listeners send their webhooks.</summary>
    public Uri Url { get; }

    public static async Task<DemoWebhookReceiver> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var secret = WebhookSignature.NewSecret();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.MapPost(Path, async (HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(ct);
            var headers = request.Headers;
            return WebhookSignature.Verify(secret, headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), body,
                    headers["webhook-signature"].ToString(), time.GetUtcNow(), TimeSpan.FromMinutes(5))
                ? Results.Text("Demo receiver: signature valid, mail accepted.")
                : Results.Text("Demo receiver: the webhook-signature does not match the body, or the timestamp is over 5 minutes off.", statusCode: StatusCodes.Status401Unauthorized);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        return new DemoWebhookReceiver(app, secret, new Uri(new Uri(address), Path));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
