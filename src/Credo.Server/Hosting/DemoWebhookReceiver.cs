using System.Security.Cryptography;
using System.Text;
using Credo.Core.Webhooks;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Credo.Server.Hosting;

/// <summary>
/// For <c>serve --demo</c>: a webhook receiver on a free loopback port, so that the demo listeners' deliveries show on
/// the first run. It checks <c>Credo-Signature</c> as the README tells receivers to, and answers with a sentence that the
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
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.MapPost(Path, async (HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(ct);
            return Verify(request.Headers["Credo-Signature"].ToString(), body, secret, time)
                ? Results.Text("Demo receiver: signature valid, mail accepted.")
                : Results.Text("Demo receiver: the Credo-Signature does not match the body.", statusCode: StatusCodes.Status401Unauthorized);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        return new DemoWebhookReceiver(app, secret, new Uri(new Uri(address), Path));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>, within five minutes of now against replays.
    private static bool Verify(string header, string body, string secret, TimeProvider time)
    {
        var t = header.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "t")?[1];
        if (!long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var expected = WebhookPayload.Signature(secret, seconds, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(header));
    }
}
