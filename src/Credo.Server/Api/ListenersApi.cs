using Credo.Core.Listeners;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authorization;

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

        listeners.MapGet("/", async (ListenerService service, CancellationToken ct) => TypedResults.Ok((await service.ListAsync(ct)).Select(ListenerDto.From)))
            .WithSummary("All Email Listeners with their status (never the webhook secret).");
        listeners.MapGet("/{id:guid}", async (Guid id, ListenerService service, CancellationToken ct) =>
                await service.FindAsync(id.ToString(), ct) is { } l ? Results.Ok(ListenerDto.From(l)) : (IResult)NotFound(id))
            .WithSummary("One listener.");
        listeners.MapPost("/", async (ListenerInput input, ListenerService service, HttpContext http, CancellationToken ct) =>
            {
                var (listener, errors) = await service.CreateAsync(input, http.User.Actor(), ct);
                return listener is null ? (IResult)Invalid(errors) : Results.Created($"/api/v1/listeners/{listener.Id}", ListenerDto.From(listener));
            })
            .RequireAuthorization(write).WithSummary("Add a listener; webhookSecret is write-only.");
        listeners.MapPut("/{id:guid}", async (Guid id, ListenerInput input, ListenerService service, HttpContext http, CancellationToken ct) =>
            {
                var (listener, errors) = await service.UpdateAsync(id, input, http.User.Actor(), ct);
                return listener is null ? (errors.ContainsKey("") ? (IResult)NotFound(id) : Invalid(errors)) : Results.Ok(ListenerDto.From(listener));
            })
            .RequireAuthorization(write).WithSummary("Change a listener; an omitted webhookSecret keeps the stored one.");
        listeners.MapDelete("/{id:guid}", async (Guid id, ListenerService service, HttpContext http, CancellationToken ct) =>
                await service.DeleteAsync(id, http.User.Actor(), ct) ? Results.NoContent() : (IResult)NotFound(id))
            .RequireAuthorization(write).WithSummary("Delete a listener and what it recorded.");
        listeners.MapPost("/{id:guid}/poll", async (Guid id, ListenerService service, CancellationToken ct) =>
                await service.PollNowAsync(id, ct) ? Results.Accepted() : (IResult)NotFound(id))
            .RequireAuthorization(write).WithSummary("Poll now.");
        listeners.MapGet("/{id:guid}/messages", async (Guid id, int? take, ListenerService service, CancellationToken ct) =>
                TypedResults.Ok((await service.MessagesAsync(id, Math.Clamp(take ?? 100, 1, 1000), ct)).Select(m => new
                {
                    m.Id, listenerId = m.ListenerId, m.ItemId, m.InternetMessageId, m.Subject, m.From, m.To, m.Cc, receivedAt = m.ReceivedAt, recordedAt = m.RecordedAt, m.Size, m.BodyPreview,
                })))
            .WithSummary("Received messages, newest first (without MIME; GET /api/v1/messages/{id}/eml has it).");
        listeners.MapGet("/{id:guid}/deliveries", async (Guid id, ListenerService service, CancellationToken ct) =>
                TypedResults.Ok(await service.DeliveriesAsync(id, 200, ct)))
            .WithSummary("Webhook deliveries, newest first.");
        api.MapGet("/messages/{id:guid}/eml", async (Guid id, ListenerService service, CancellationToken ct) =>
                await service.MessageAsync(id, ct) is { } m ? Results.File(m.Mime, "message/rfc822", $"{id}.eml") : Results.NotFound())
            .WithTags("Messages").WithSummary("A received message as .eml.");
        api.MapPost("/deliveries/{id:guid}/resend", async (Guid id, ListenerService service, HttpContext http, CancellationToken ct) =>
                await service.ResendAsync(id, http.User.Actor(), ct) ? Results.Accepted() : Results.NotFound())
            .RequireAuthorization(write).WithTags("Deliveries").WithSummary("Send a delivery again.");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(IReadOnlyDictionary<string, string> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => new[] { e.Value }), title: "The listener is not valid.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no listener {id}.");

    private sealed record ListenerDto(
        Guid Id, string Name, bool Enabled, string Protocol, string EwsUrl, string Mailbox, string Folder, Guid CredentialId, int PollIntervalSeconds,
        bool UnreadOnly, string? FromContains, string? SubjectContains, bool OnlyWithAttachments, AfterProcessing AfterProcessing, string? MoveToFolder,
        bool IncludeAttachments, string? WebhookUrl, long MessagesReceived, DateTimeOffset? LastPollAt, DateTimeOffset? LastSuccessAt, string? LastError, string? LastErrorHint)
    {
        public static ListenerDto From(EmailListener l) => new(
            l.Id, l.Name, l.Enabled, l.Protocol, l.EwsUrl, l.Mailbox, l.Folder, l.CredentialId, l.PollIntervalSeconds, l.UnreadOnly, l.FromContains, l.SubjectContains,
            l.OnlyWithAttachments, l.AfterProcessing, l.MoveToFolder, l.IncludeAttachments, l.WebhookUrl, l.MessagesReceived, l.LastPollAt, l.LastSuccessAt, l.LastError, l.LastErrorHint);
    }
}
