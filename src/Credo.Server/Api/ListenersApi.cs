using System.Security.Claims;
using Credo.Core;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Retention;
using Credo.Core.Webhooks;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Credo.Server.Api;

/// <summary><c>/api/v1/listeners</c>, <c>/api/v1/messages</c> and <c>/api/v1/deliveries</c> with API keys.</summary>
internal static class ListenersApi
{
    public static void MapListenersApi(this IEndpointRouteBuilder app)
    {
        var read = new AuthorizeAttribute(CredoPolicies.Viewer) { AuthenticationSchemes = CredoPolicies.ApiKeyScheme };
        var write = new AuthorizeAttribute(CredoPolicies.Administrator) { AuthenticationSchemes = CredoPolicies.ApiKeyScheme };
        var api = app.MapGroup("/api/v1").RequireAuthorization(read).ProducesProblem(StatusCodes.Status401Unauthorized);
        var listeners = api.MapGroup("/listeners").WithTags("Listeners");

        listeners.MapGet("/", async (ListenerService service, DeliveryService deliveryService, TimeProvider time, HttpContext http, CancellationToken ct) =>
            {
                var deliveries = await deliveryService.CountsAsync(null, ct);
                return TypedResults.Ok((await service.ListAsync(ct)).Select(l => Read(l, deliveries.GetValueOrDefault(l.Id), time, http.User)).ToArray());
            })
            .WithSummary("All Email Listeners with their status (OK, Degraded, Error, Stalled, Disabled or NotPolledYet) and a health object that "
                + "explains it (never the webhook secret; a Viewer key sees the webhook URL without its query string).");
        listeners.MapGet("/{id:guid}", async (Guid id, ListenerService service, DeliveryService deliveries, TimeProvider time, HttpContext http, CancellationToken ct) =>
                await service.FindAsync(id.ToString(), ct) is { } l
                    ? Results.Ok(Read(l, (await deliveries.CountsAsync([id], ct)).GetValueOrDefault(id), time, http.User))
                    : (IResult)NotFound(id))
            .Produces<ListenerDto>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One listener.");
        listeners.MapPost("/", async (ListenerRequest request, ListenerService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
            {
                var unreadable = new Dictionary<string, string>(StringComparer.Ordinal);
                var input = request.ToInput(unreadable);
                if (unreadable.Count > 0)
                {
                    return Invalid(unreadable);
                }

                var change = await service.CreateAsync(input, http.User.Actor(), ct);
                return change.Status == ChangeStatus.Done
                    ? Results.Created($"/api/v1/listeners/{change.Value!.Id}", ListenerDto.From(change.Value, time.GetUtcNow()) with { WebhookSecret = change.GeneratedSecret })
                    : Failure(change);
            })
            .Produces<ListenerDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .Writes(write).WithSummary("Add a listener; protocol is EWS (default), Graph, IMAP, ... with its settings in an object of the protocol's name in lower case (ews, graph, imap, ...); webhookSecret (whsec_ + base64) is write-only: left out with a webhookUrl, Credo generates one and answers it this once.");
        listeners.MapPut("/{id:guid}", async (Guid id, ListenerRequest request, ListenerService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
            {
                var unreadable = new Dictionary<string, string>(StringComparer.Ordinal);
                var input = request.ToInput(unreadable);
                if (unreadable.Count > 0)
                {
                    return Invalid(unreadable);
                }

                if (input.Version is not { } version)
                {
                    return TypedResults.ValidationProblem(
                        new Dictionary<string, string[]> { ["version"] = ["Send the version the change is based on (from GET), so that a concurrent change is not overwritten."] },
                        title: "The request is not valid.");
                }

                var change = await service.UpdateAsync(id, version, input, http.User.Actor(), ct);
                return change.Status == ChangeStatus.Done
                    ? Results.Ok(ListenerDto.From(change.Value!, time.GetUtcNow()) with { WebhookSecret = change.GeneratedSecret })
                    : Failure(change);
            })
            .Produces<ListenerDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .Writes(write).WithSummary("Change a listener read at version; an omitted webhookSecret keeps the stored one, and a changed one leaves the old one signing beside it for Credo:Webhooks:SecretOverlap.");
        listeners.MapPost("/{id:guid}/test", async (Guid id, ConnectionTest test, HttpContext http, CancellationToken ct) =>
                await test.RunAsync(id, http.User.Actor(), ct) is { } steps
                    ? Results.Ok(new ConnectionTestDto(steps.All(s => s.Succeeded), steps))
                    : (IResult)NotFound(id))
            .Produces<ConnectionTestDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .Writes(write).WithSummary("Test connection with the saved settings: token, then mailbox and folder; audited.");
        listeners.MapDelete("/{id:guid}", async (Guid id, ListenerService service, HttpContext http, CancellationToken ct) =>
                await service.DeleteAsync(id, http.User.Actor(), ct) is { Status: ChangeStatus.Done } ? Results.NoContent() : (IResult)NotFound(id))
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).Writes(write).WithSummary("Delete a listener and what it recorded.");
        listeners.MapPost("/{id:guid}/poll", async (Guid id, ListenerService service, HttpContext http, CancellationToken ct) =>
                await service.PollNowAsync(id, http.User.Actor(), ct) ? Results.Accepted() : (IResult)NotFound(id))
            .Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).Writes(write).WithSummary("Poll now; audited.");
        listeners.MapGet("/{id:guid}/messages", async (Guid id, int? take, string? search, Guid? before, DateTimeOffset? recordedFrom, DateTimeOffset? recordedBefore,
                MessageService messages, HttpContext http, CancellationToken ct) =>
            {
                if (http.Request.Query.ContainsKey("offset") || http.Request.Query.ContainsKey("skip"))
                {
                    return TypedResults.ValidationProblem(
                        new Dictionary<string, string[]> { ["offset"] = ["Pages are read with a cursor: send before=<the Link header's next cursor>, not an offset."] },
                        title: "The request is not valid.");
                }

                var page = await messages.PageAsync(id, new MessageQuery
                {
                    Search = search, Before = before, RecordedFrom = recordedFrom, RecordedBefore = recordedBefore, Take = Math.Clamp(take ?? 100, 1, MessageService.MaxPage),
                }, ct);
                if (page.CursorGone)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Cursor gone",
                        detail: $"The message {before} that the page starts after is not among this listener's mail (retention may have removed it); read again from the newest (without before).");
                }

                if (page.Next is { } next)
                {
                    var query = QueryString.Create(http.Request.Query.Where(q => !string.Equals(q.Key, "before", StringComparison.OrdinalIgnoreCase)).SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v))))
                        .Add("before", next.ToString());
                    http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}{query}>; rel=\"next\"";
                }

                return Results.Ok(page.Messages.Select(MessageDto.Of).ToArray());
            })
            .Produces<MessageDto[]>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Received messages, newest first (without MIME; GET /api/v1/messages/{id}/eml has it), a page at a time: the Link header (rel=\"next\") names the next page (before=<cursor>); search matches subject or sender; recordedFrom/recordedBefore bound the time recorded.");
        listeners.MapGet("/{id:guid}/deliveries", async (Guid id, DeliveryStatus? state, int? take, DeliveryService deliveries, CancellationToken ct) =>
                state is { } only && !Enum.IsDefined(only)
                    ? TypedResults.ValidationProblem(
                        new Dictionary<string, string[]> { ["state"] = [$"Send one of {string.Join(", ", Enum.GetNames<DeliveryStatus>())}."] }, title: "The request is not valid.")
                    : (IResult)TypedResults.Ok((await deliveries.ListAsync(id, state, Math.Clamp(take ?? 200, 1, 1000), ct)).Select(DeliveryDto.From).ToArray()))
            .Produces<DeliveryDto[]>().ProducesValidationProblem()
            .WithSummary("Webhook deliveries, newest first; state=Pending|Delivered|Stopped|Failed keeps one state.");
        listeners.MapPost("/{id:guid}/deliveries/resend-failed", async (Guid id, ListenerService service, DeliveryService deliveries, HttpContext http, CancellationToken ct) =>
                await service.FindAsync(id.ToString(), ct) is null
                    ? (IResult)NotFound(id)
                    : Results.Accepted(value: new ResendFailedDto(await deliveries.ResendFailedAsync(id, http.User.Actor(), ct))))
            .Produces<ResendFailedDto>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .Writes(write).WithSummary("Send every Failed delivery of the listener again; audited. Answers how many were queued.");
        api.MapGet("/messages/{id:guid}/eml", async (Guid id, MessageService messages, ListenerService service, IOptionsMonitor<RetentionOptions> retention, CancellationToken ct) =>
                await messages.FindAsync(id, ct) is not { } m ? Results.NotFound()
                : m.ContentExpired && await service.FindAsync(m.ListenerId.ToString(), ct) is { } listener
                    ? TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Content expired", detail: ContentExpiry.Describe(m, listener, retention.CurrentValue))
                    : Results.File(m.Mime, "message/rfc822", Credo.Core.Text.DownloadName.For(m.Subject, ".eml", id.ToString())))
            .Produces(StatusCodes.Status200OK, contentType: "message/rfc822").Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .WithTags("Messages").WithSummary("A received message as .eml; 410 Gone once retention removed its content (Credo:Retention:MimeDays).");
        api.MapGet("/deliveries/{id:guid}", async (Guid id, DeliveryService deliveries, ListenerService service, CancellationToken ct) =>
                await deliveries.FindAsync(id, ct) is not { } d
                    ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no delivery {id}.")
                    : Results.Ok(DeliveryDetailDto.From(d, (await service.FindAsync(d.ListenerId.ToString(), ct))?.WebhookFormat ?? WebhookFormat.Standard, await deliveries.AttemptsAsync(id, ct))))
            .Produces<DeliveryDetailDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags("Deliveries").WithSummary("A delivery with its attempts (time, status, answer excerpt, duration) and the body and content type it is sent with.");
        api.MapPost("/deliveries/{id:guid}/resend", async (Guid id, DeliveryService deliveries, HttpContext http, CancellationToken ct) =>
                await deliveries.ResendAsync(id, http.User.Actor(), ct)
                    ? Results.Accepted()
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no delivery {id}."))
            .Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).Writes(write).WithTags("Deliveries").WithSummary("Send a delivery again.");
    }

    // Changes need an Administrator key; a Viewer key gets 403.
    private static RouteHandlerBuilder Writes(this RouteHandlerBuilder endpoint, AuthorizeAttribute write) =>
        endpoint.RequireAuthorization(write).ProducesProblem(StatusCodes.Status403Forbidden);

    // Reads are open to Viewer keys, and a webhook URL may carry the receiver's token.
    private static ListenerDto Read(EmailListener listener, DeliveryCounts? deliveries, TimeProvider time, ClaimsPrincipal user) =>
        ListenerDto.From(listener, time.GetUtcNow(), deliveries) with { WebhookUrl = WebhookUrlMask.For(user, listener.WebhookUrl) };

    private static IResult Failure(Change<EmailListener> change) => change.Status switch
    {
        ChangeStatus.Invalid => Invalid(change.Errors),
        ChangeStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: change.Message),
        ChangeStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else", detail: change.Message),
        _ => throw new InvalidOperationException($"Unexpected status {change.Status}."),
    };

    // Field paths as the JSON names them: Ews.Url → ews.url.
    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(IReadOnlyDictionary<string, string> errors) =>
        TypedResults.ValidationProblem(
            errors.ToDictionary(e => string.Join('.', e.Key.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..])), e => new[] { e.Value }),
            title: "The listener is not valid.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no listener {id}.");
}
