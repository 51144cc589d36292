using System.Buffers;
using System.Text.Json;
using Credo.Core.Listeners;

namespace Credo.Server.Hooks;

/// <summary>
/// <c>/hooks/graph</c> (change notifications) and <c>/hooks/graph/lifecycle</c> (lifecycle events), where Microsoft Graph
/// posts for the listeners' push subscriptions. Anonymous, as Graph calls them: a post with <c>validationToken</c> is
/// Graph's validation request and gets the token back as text; any other is read (at most <see cref="MaxBody"/>), its
/// notifications of known subscriptions within their rate (<see cref="PushGate"/>) queued, and answered <c>202</c> at once;
/// each queued notification is checked against its subscription's client state afterwards.
/// </summary>
internal static class GraphHooks
{
    /// <summary>The path of change notifications, under <c>Credo:PublicUrl</c>.</summary>
    public const string Path = "/hooks/graph";

    /// <summary>The path of lifecycle events.</summary>
    public const string LifecyclePath = "/hooks/graph/lifecycle";

    /// <summary>The largest body read: Graph sends at most a few hundred notifications of well under 1 KiB each in one post.</summary>
    public const int MaxBody = 1024 * 1024;

    // Graph's validation tokens are well under this; a longer one is not Graph's.
    private const int MaxValidationToken = 4096;

    // Graph takes client states of at most 128 characters.
    private const int MaxClientState = 128;

    public static IServiceCollection AddGraphHooks(this IServiceCollection services)
    {
        services.AddSingleton<GraphNotificationQueue>();
        services.AddHostedService<GraphNotificationWorker>();
        return services;
    }

    public static void MapGraphHooks(this IEndpointRouteBuilder app)
    {
        foreach (var (path, lifecycle) in new[] { (Path, false), (LifecyclePath, true) })
        {
            app.MapPost(path, (HttpContext context, GraphNotificationQueue queue, PushGate gate, ILogger<GraphNotificationQueue> logger) => ReceiveAsync(context, queue, gate, logger, lifecycle))
                .AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, GraphNotificationQueue queue, PushGate gate, ILogger logger, bool lifecycle)
    {
        if (context.Request.Query.TryGetValue("validationToken", out var token))
        {
            return token.ToString() is { Length: > 0 and <= MaxValidationToken } echo
                ? Results.Text(echo, "text/plain", statusCode: StatusCodes.Status200OK)
                : Refused(logger, context, "the validation token is empty or too long.");
        }

        if (context.Request.ContentLength > MaxBody)
        {
            return Refused(logger, context, $"the body is larger than {MaxBody / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
        }

        List<GraphNotification> notifications;
        try
        {
            notifications = Read(await ReadBodyAsync(context.Request.Body, context.RequestAborted), lifecycle);
        }
        catch (InvalidDataException e)
        {
            return Refused(logger, context, e.Message, StatusCodes.Status413PayloadTooLarge);
        }
        catch (JsonException)
        {
            return Refused(logger, context, "the body is not Graph's notification JSON ({\"value\":[...]}).");
        }

        var admitted = await gate.AdmitAsync([.. notifications.Select(n => n.SubscriptionId)], context.RequestAborted);
        return queue.TryAdd([.. notifications.Where((_, i) => admitted[i])])
            ? Results.StatusCode(StatusCodes.Status202Accepted)
            : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
    }

    // {"value":[{"subscriptionId","clientState","changeType"|"lifecycleEvent",...}]}; entries without a subscription are skipped.
    private static List<GraphNotification> Read(ReadOnlyMemory<byte> json, bool lifecycle)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("no value array");
        }

        var notifications = new List<GraphNotification>();
        foreach (var item in value.EnumerateArray())
        {
            // Graph's subscription ids are GUIDs and its client states at most 128 characters: anything else is not Graph's.
            if (item.ValueKind != JsonValueKind.Object || Text(item, "subscriptionId") is not { } subscription || !Guid.TryParse(subscription, out _)
                || Text(item, "clientState") is { Length: > MaxClientState })
            {
                continue;
            }

            var kind = !lifecycle ? PushEvent.Created : Text(item, "lifecycleEvent") switch
            {
                "reauthorizationRequired" => PushEvent.ReauthorizationRequired,
                "subscriptionRemoved" => PushEvent.SubscriptionRemoved,
                _ => PushEvent.Missed,
            };
            notifications.Add(new GraphNotification(subscription, Text(item, "clientState"), kind));
        }

        return notifications;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static IResult Refused(ILogger logger, HttpContext context, string reason, int status = StatusCodes.Status400BadRequest)
    {
        Log.PostRefused(logger, context.Request.Path, reason);
        return Results.Text($"Not a Microsoft Graph notification: {reason}", "text/plain", statusCode: status);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        int read;
        while ((read = await body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBody)
            {
                throw new InvalidDataException($"the body is larger than {MaxBody / 1024} KiB.");
            }
        }

        return buffer.WrittenMemory;
    }
}
