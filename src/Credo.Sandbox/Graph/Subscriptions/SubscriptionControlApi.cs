using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// <c>/sandbox/subscriptions</c>: read the Graph subscriptions with what they sent, send a lifecycle event, expire one
/// now. No authentication, as the rest of the control API: the sandbox listens on loopback and is for demos and tests.
/// </summary>
internal static class SubscriptionControlApi
{
    private const string LifecycleUsage = "Give event: reauthorizationRequired, subscriptionRemoved or missed, for example {\"event\":\"missed\"}.";

    public static void MapSubscriptionControlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox/subscriptions");
        group.MapGet("/", (SandboxSubscriptions subscriptions) => subscriptions.All);
        group.MapGet("/{id}", (string id, SandboxSubscriptions subscriptions) =>
            subscriptions.Find(id) is { } subscription ? Results.Ok(subscription) : NoSubscription(id));
        group.MapPost("/{id}/lifecycle", (string id, LifecycleRequest? request, SandboxSubscriptions subscriptions) =>
        {
            if (!TryParse(request?.Event, out var lifecycleEvent))
            {
                return Results.Problem(statusCode: 400, detail: LifecycleUsage);
            }

            if (subscriptions.Find(id) is not { } subscription)
            {
                return NoSubscription(id);
            }

            if (subscription.LifecycleNotificationUrl is null)
            {
                return Results.Problem(statusCode: 409, detail: $"Subscription {id} has no lifecycleNotificationUrl: Graph sends lifecycle events only to one given when the subscription is created.");
            }

            return subscriptions.SendLifecycleEvent(id, lifecycleEvent) ? Results.Accepted(value: subscription) : NoSubscription(id);
        });
        group.MapPost("/{id}/expire", (string id, SandboxSubscriptions subscriptions) =>
            subscriptions.Expire(id) ? Results.NoContent() : NoSubscription(id));
    }

    private static bool TryParse(string? text, out SandboxLifecycleEvent lifecycleEvent)
    {
        foreach (var candidate in Enum.GetValues<SandboxLifecycleEvent>())
        {
            if (string.Equals(SubscriptionJson.LifecycleEventName(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                lifecycleEvent = candidate;
                return true;
            }
        }

        lifecycleEvent = default;
        return false;
    }

    private static IResult NoSubscription(string id) =>
        Results.Problem(statusCode: 404, detail: $"The sandbox has no subscription {id}: it never existed, has expired or was deleted. GET /sandbox/subscriptions lists those there are.");

    private sealed record LifecycleRequest(string? Event);
}
