using System.Globalization;
using System.Text.Json;
using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// <c>/subscriptions</c>: create (after Graph's validation request to each URL), list the caller's, read, renew
/// (<c>PATCH expirationDateTime</c>), <c>reauthorize</c> and delete, answered as Graph answers them. Any mail role
/// (<c>Mail.Read</c> or <c>Mail.ReadWrite</c>) may subscribe; an application sees only its own subscriptions. Each
/// request counts on the mailbox its subscription's resource names, outside the fault rate.
/// </summary>
internal sealed class GraphSubscriptionOperations(
    SandboxSubscriptions subscriptions,
    SandboxMailboxes mailboxes,
    NotificationEndpointValidator validator,
    TimeProvider time)
{
    private static readonly string[] ChangeTypes = ["created", "updated", "deleted"];

    public async Task<GraphAnswer> RunAsync(GraphRequest request, GraphAccess access, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var s = request.Segments;
        var id = s.Count > 1 ? s[1] : null;
        Func<Task<GraphAnswer>>? run = (s.Count, request.Method) switch
        {
            (1, "GET") => () => Task.FromResult(List(request, access)),
            (1, "POST") => () => CreateAsync(request, access, cancellationToken),
            (2, "GET") => () => Task.FromResult(Get(request, access, id!)),
            (2, "PATCH") => () => Task.FromResult(Renew(request, access, id!)),
            (2, "DELETE") => () => Task.FromResult(Delete(request, access, id!)),
            (3, "POST") when Is(s[2], "reauthorize") => () => Task.FromResult(Reauthorize(request, access, id!)),
            _ => null,
        };
        if (run is null)
        {
            var known = s.Count is 1 or 2 || (s.Count == 3 && Is(s[2], "reauthorize"));
            return known
                ? GraphErrors.Answer(405, "BadRequest", $"The HTTP method '{request.Method}' is not allowed for this resource.", request, now)
                : GraphErrors.BadRequest($"Resource not found for the segment '{s[^1]}'.", request, now);
        }

        // A subscription to messages takes a mail permission; reading is enough, whatever the method.
        return access.CanRead ? await run() : GraphErrors.AccessDenied(request, now);
    }

    private async Task<GraphAnswer> CreateAsync(GraphRequest request, GraphAccess access, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!TryRead(request.Body, out var body))
        {
            return InvalidRequest("The request body is not a JSON subscription: give changeType, notificationUrl, resource and expirationDateTime (and clientState, lifecycleNotificationUrl if wanted).", request, now);
        }

        if (string.IsNullOrWhiteSpace(body.ChangeType) || string.IsNullOrWhiteSpace(body.Resource)
            || string.IsNullOrWhiteSpace(body.NotificationUrl) || string.IsNullOrWhiteSpace(body.ExpirationDateTime))
        {
            return InvalidRequest("changeType, notificationUrl, resource and expirationDateTime are required.", request, now);
        }

        if (!TryChangeTypes(body.ChangeType, out var kinds, out var changeProblem))
        {
            return InvalidRequest(changeProblem, request, now);
        }

        if (body.ClientState is { Length: > SandboxSubscriptions.MaxClientStateLength } tooLong)
        {
            return InvalidRequest(string.Create(CultureInfo.InvariantCulture, $"clientState can be at most {SandboxSubscriptions.MaxClientStateLength} characters; it has {tooLong.Length}."), request, now);
        }

        if (body.IncludeResourceData == true)
        {
            return InvalidRequest("The sandbox does not send encrypted resource data: subscribe without includeResourceData and read the message by the id in resourceData.", request, now);
        }

        if (!TryExpiration(body.ExpirationDateTime, now, out var expiration, out var expirationProblem))
        {
            return InvalidRequest(expirationProblem, request, now);
        }

        if (!TryNotificationUrl("notificationUrl", body.NotificationUrl, optional: false, out var notificationUrl, out var urlProblem)
            || !TryNotificationUrl("lifecycleNotificationUrl", body.LifecycleNotificationUrl, optional: true, out var lifecycleUrl, out urlProblem))
        {
            return GraphErrors.Answer(400, "ValidationError", urlProblem, request, now);
        }

        if (!SubscriptionResource.TryResolve(body.Resource, mailboxes, out var mailbox, out var folderId, out var resourceProblem))
        {
            return InvalidRequest(resourceProblem, request, now);
        }

        mailbox.CountOutsideFaults("graph:createSubscription", SandboxRequestCounts.Graph);
        foreach (var url in new[] { notificationUrl, lifecycleUrl }.OfType<Uri>())
        {
            if (await validator.ValidateAsync(url, cancellationToken) is { } failure)
            {
                return GraphErrors.Answer(400, "ValidationError", failure, request, time.GetUtcNow());
            }
        }

        var subscription = new GraphSubscription
        {
            Id = Guid.NewGuid().ToString(),
            ApplicationId = access.ApplicationId,
            Resource = body.Resource.Trim(),
            Mailbox = mailbox,
            FolderId = folderId,
            ChangeType = body.ChangeType.Trim(),
            Kinds = kinds,
            NotificationUrl = notificationUrl!,
            LifecycleNotificationUrl = lifecycleUrl,
            ClientState = body.ClientState,
            ImmutableIds = request.Preferences.ImmutableIds,
            Expiration = expiration,
        };
        subscriptions.Add(subscription);
        return GraphAnswer.WithJson(201, SubscriptionJson.Subscription(subscription, request.LinkBase));
    }

    private GraphAnswer List(GraphRequest request, GraphAccess access) =>
        GraphAnswer.WithJson(200, SubscriptionJson.Collection(
            subscriptions.Live().Where(s => s.ApplicationId == access.ApplicationId).OrderBy(s => s.Expiration),
            request.LinkBase));

    private GraphAnswer Get(GraphRequest request, GraphAccess access, string id)
    {
        if (Own(id, access) is not { } subscription)
        {
            return NotFound(id, request);
        }

        subscription.Mailbox.CountOutsideFaults("graph:getSubscription", SandboxRequestCounts.Graph);
        return GraphAnswer.WithJson(200, SubscriptionJson.Subscription(subscription, request.LinkBase));
    }

    private GraphAnswer Renew(GraphRequest request, GraphAccess access, string id)
    {
        var now = time.GetUtcNow();
        if (Own(id, access) is not { } subscription)
        {
            return NotFound(id, request);
        }

        subscription.Mailbox.CountOutsideFaults("graph:renewSubscription", SandboxRequestCounts.Graph);
        if (!TryRead(request.Body, out var body) || string.IsNullOrWhiteSpace(body.ExpirationDateTime))
        {
            return InvalidRequest("Give the new expirationDateTime, for example {\"expirationDateTime\":\"2030-01-01T00:00:00Z\"}; it is the only property the sandbox changes.", request, now);
        }

        if (!TryExpiration(body.ExpirationDateTime, now, out var expiration, out var problem))
        {
            return InvalidRequest(problem, request, now);
        }

        subscription.Expiration = expiration;
        subscription.ReauthorizationRequired = false;
        return GraphAnswer.WithJson(200, SubscriptionJson.Subscription(subscription, request.LinkBase));
    }

    private GraphAnswer Reauthorize(GraphRequest request, GraphAccess access, string id)
    {
        if (Own(id, access) is not { } subscription)
        {
            return NotFound(id, request);
        }

        subscription.Mailbox.CountOutsideFaults("graph:reauthorizeSubscription", SandboxRequestCounts.Graph);
        subscription.ReauthorizationRequired = false;
        return GraphAnswer.WithoutBody(204);
    }

    private GraphAnswer Delete(GraphRequest request, GraphAccess access, string id)
    {
        if (Own(id, access) is not { } subscription)
        {
            return NotFound(id, request);
        }

        subscription.Mailbox.CountOutsideFaults("graph:deleteSubscription", SandboxRequestCounts.Graph);
        subscriptions.Remove(subscription);
        return GraphAnswer.WithoutBody(204);
    }

    /// <summary>The caller's live subscription; another application's is as good as missing, as in Graph.</summary>
    private GraphSubscription? Own(string id, GraphAccess access) =>
        subscriptions.FindLive(id) is { } subscription && subscription.ApplicationId == access.ApplicationId ? subscription : null;

    private GraphAnswer NotFound(string id, GraphRequest request) =>
        GraphErrors.Answer(404, "ResourceNotFound", $"The object was not found: there is no subscription '{id}' of this application (it may have expired or been deleted).", request, time.GetUtcNow());

    private static GraphAnswer InvalidRequest(string message, GraphRequest request, DateTimeOffset now) =>
        GraphErrors.Answer(400, "InvalidRequest", message, request, now);

    private static bool TryChangeTypes(string text, out IReadOnlySet<SandboxChangeKind> kinds, out string problem)
    {
        var set = new HashSet<SandboxChangeKind>();
        kinds = set;
        problem = "";
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var kind = Array.FindIndex(ChangeTypes, c => string.Equals(c, part, StringComparison.OrdinalIgnoreCase)) switch
            {
                0 => SandboxChangeKind.Create,
                1 => (SandboxChangeKind?)SandboxChangeKind.ReadFlagChange,
                2 => SandboxChangeKind.Delete,
                _ => null,
            };
            if (kind is null || !set.Add(kind.Value))
            {
                problem = $"Invalid changeType '{text}': give created, updated or deleted, or several of them once each separated by commas (created,updated).";
                return false;
            }
        }

        return true;
    }

    private static bool TryExpiration(string text, DateTimeOffset now, out DateTimeOffset expiration, out string problem)
    {
        problem = "";
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out expiration))
        {
            problem = $"expirationDateTime '{text}' is not a date and time; give one in ISO 8601, such as 2030-01-01T00:00:00Z.";
            return false;
        }

        if (expiration <= now)
        {
            problem = $"Subscription expiration must be in the future: expirationDateTime {SubscriptionJson.Timestamp(expiration)} is not after now ({SubscriptionJson.Timestamp(now)}).";
            return false;
        }

        if (expiration > now.AddMinutes(SandboxSubscriptions.MaxExpirationMinutes))
        {
            problem = string.Create(
                CultureInfo.InvariantCulture,
                $"Subscription expiration can only be {SandboxSubscriptions.MaxExpirationMinutes} minutes in the future: expirationDateTime {SubscriptionJson.Timestamp(expiration)} is {(expiration - now).TotalMinutes:0} minutes from now.");
            return false;
        }

        return true;
    }

    /// <summary>An absolute https URL, or http on loopback; an empty lifecycle URL is none.</summary>
    private static bool TryNotificationUrl(string name, string? text, bool optional, out Uri? url, out string problem)
    {
        url = null;
        problem = "";
        if (string.IsNullOrWhiteSpace(text) && optional)
        {
            return true;
        }

        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problem = $"{name} '{text}' is not an absolute http(s) URL.";
            return false;
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            problem = $"{name} '{text}' must use https; the sandbox accepts http only on loopback (127.0.0.1, ::1, localhost).";
            return false;
        }

        return true;
    }

    private static bool TryRead(ReadOnlyMemory<byte> body, out SubscriptionRequest value)
    {
        value = null!;
        try
        {
            value = JsonSerializer.Deserialize(body.Span, GraphJsonContext.Default.SubscriptionRequest)!;
            return value is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);
}
