using System.Text.Json;
using Credo.Sandbox.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Credo.Sandbox.Ews;

/// <summary>
/// <c>/sandbox/...</c>: create mailboxes and folders, drop mail in (a raw <c>.eml</c> or generated), inject faults
/// (one-off or one request in N, for EWS and Graph alike) and read how many requests each mailbox received.
/// It has no authentication: the sandbox listens on loopback and is for demos and tests only.
/// </summary>
internal static class SandboxControlApi
{
    public static void MapSandboxControlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox");
        group.MapGet("/mailboxes", (SandboxMailboxes mailboxes) => mailboxes.All.Select(Describe));
        group.MapPost("/mailboxes", (MailboxRequest request, SandboxMailboxes mailboxes) =>
            string.IsNullOrWhiteSpace(request.Address) || !request.Address.Contains('@', StringComparison.Ordinal)
                ? Results.Problem(statusCode: 400, detail: "Give the mailbox's SMTP address, for example {\"address\":\"finance@sandbox.test\"}.")
                : Results.Ok(Describe(mailboxes.Create(request.Address))));
        group.MapGet("/mailboxes/{address}", (string address, SandboxMailboxes mailboxes) =>
            mailboxes.Find(address) is { } mailbox ? Results.Ok(Describe(mailbox)) : NoMailbox(address));
        group.MapPost("/mailboxes/{address}/folders", (string address, FolderRequest request, SandboxMailboxes mailboxes) =>
        {
            if (mailboxes.Find(address) is not { } mailbox)
            {
                return NoMailbox(address);
            }

            var parent = request.Parent is null ? mailbox.WellKnown("msgfolderroot") : FindFolder(mailbox, request.Parent);
            return parent is null || string.IsNullOrWhiteSpace(request.Name)
                ? Results.Problem(statusCode: 400, detail: "Give an existing parent folder (a name such as Inbox, or a folder id) and a name.")
                : Results.Ok(new { id = mailbox.CreateFolder(parent.Id, request.Name.Trim()).Id });
        });
        group.MapPost("/mailboxes/{address}/messages", async (string address, string? folder, HttpRequest http, SandboxMailboxes mailboxes) =>
        {
            if (mailboxes.Find(address) is not { } mailbox)
            {
                return NoMailbox(address);
            }

            var target = FindFolder(mailbox, folder ?? "Inbox");
            if (target is null)
            {
                return Results.Problem(statusCode: 400, detail: $"Mailbox {address} has no folder {folder}.");
            }

            if (http.ContentType?.StartsWith("message/rfc822", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var buffer = new MemoryStream();
                await http.Body.CopyToAsync(buffer, http.HttpContext.RequestAborted);
                return Results.Ok(new { ids = new[] { mailbox.Deliver(buffer.ToArray(), target.Id).Id } });
            }

            var request = await http.ReadFromJsonAsync<GenerateRequest>(http.HttpContext.RequestAborted) ?? new GenerateRequest();
            var ids = Enumerable.Range(0, Math.Clamp(request.Count, 1, 10_000))
                .Select(_ => mailbox.Deliver(mailboxes.Generate(mailbox.Address, request.AttachmentBytes, request.WithoutMessageId, request.Subject), target.Id).Id)
                .ToArray();
            return Results.Ok(new { ids });
        });
        group.MapPost("/mailboxes/{address}/faults", (string address, SandboxFault fault, SandboxMailboxes mailboxes) =>
        {
            if (mailboxes.Find(address) is not { } mailbox)
            {
                return NoMailbox(address);
            }

            mailbox.Faults.Add(fault);
            return Results.Ok();
        });
        group.MapPut("/mailboxes/{address}/fault-rate", async (string address, HttpRequest http, SandboxMailboxes mailboxes) =>
        {
            if (mailboxes.Find(address) is not { } mailbox)
            {
                return NoMailbox(address);
            }

            FaultRateRequest? request = null;
            try
            {
                if (http.HasJsonContentType())
                {
                    request = await http.ReadFromJsonAsync<FaultRateRequest>(http.HttpContext.RequestAborted);
                }
            }
            catch (JsonException)
            {
                // An unknown kind or a malformed body gets the same explanation as a missing field, below.
            }

            if (request is not { OneIn: >= 0, BackOffMilliseconds: null or >= 0, DelayMilliseconds: >= 0, RetryAfterSeconds: null or >= 0 } || (request.OneIn > 0 && request.Kind is null))
            {
                return Results.Problem(statusCode: 400, detail: FaultRateUsage);
            }

            mailbox.SetFaultRate(request.OneIn == 0 ? null : new SandboxFaultRate(request.Kind!.Value, request.OneIn.Value, request.BackOffMilliseconds, request.DelayMilliseconds, request.RetryAfterSeconds));
            return Results.NoContent();
        });
        group.MapGet("/mailboxes/{address}/requests", (string address, SandboxMailboxes mailboxes) =>
            mailboxes.Find(address) is { } mailbox ? Results.Ok(mailbox.Requests) : NoMailbox(address));
        group.MapDelete("/mailboxes/{address}/requests", (string address, SandboxMailboxes mailboxes) =>
        {
            if (mailboxes.Find(address) is not { } mailbox)
            {
                return NoMailbox(address);
            }

            mailbox.ResetRequests();
            return Results.NoContent();
        });
        group.MapPost("/clients", async (SandboxClient client, SandboxServerAccessor server, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(client.ClientId) || (string.IsNullOrEmpty(client.ClientSecret) && string.IsNullOrEmpty(client.Certificate)))
            {
                return Results.Problem(statusCode: 400, detail: "Give clientId and clientSecret, or clientId and certificate (the public certificate as PEM, for client assertions); authenticationMethods, scopes, roles (for Exchange Online) and graphRoles (for Microsoft Graph) are optional.");
            }

            if (client.Certificate is { Length: > 0 } pem && ClientKeySet.TryCreate(pem, out var keyError) is null)
            {
                return Results.Problem(statusCode: 400, detail: keyError);
            }

            await server.Server.AddClientAsync(client, cancellationToken);
            return Results.Ok(new { clientId = client.ClientId });
        });
        group.MapDelete("/mailboxes/{address}/faults", (string address, SandboxMailboxes mailboxes) =>
        {
            mailboxes.Find(address)?.ClearFaults();
            return Results.NoContent();
        });
    }

    internal static SandboxFolder? FindFolder(SandboxMailbox mailbox, string nameOrId)
    {
        var folders = mailbox.Folders;
        return folders.FirstOrDefault(f => f.Id == nameOrId)
            ?? folders.FirstOrDefault(f => string.Equals(f.DisplayName, nameOrId, StringComparison.OrdinalIgnoreCase) || string.Equals(f.DistinguishedName, nameOrId, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string FaultRateUsage =
        "Give oneIn (one request in this many fails; 0 turns the rate off) and, unless it is 0, kind: one of "
        + string.Join(", ", Enum.GetNames<SandboxFaultKind>())
        + "; backOffMilliseconds, delayMilliseconds and retryAfterSeconds (Graph's Retry-After) are optional and not negative. For example {\"kind\":\"ServerBusy\",\"oneIn\":13,\"backOffMilliseconds\":300}.";

    private static IResult NoMailbox(string address) =>
        Results.Problem(statusCode: 404, detail: $"The sandbox has no mailbox {address}; create it with POST /sandbox/mailboxes.");

    private static object Describe(SandboxMailbox mailbox) => new
    {
        address = mailbox.Address,
        faultRate = mailbox.FaultRate,
        folders = mailbox.Folders.Where(f => f.ParentId is not null).Select(f => new
        {
            id = f.Id,
            name = f.DisplayName,
            total = mailbox.ItemsIn(f.Id).Count,
            unread = mailbox.ItemsIn(f.Id).Count(i => !i.IsRead),
        }),
    };

    private sealed record MailboxRequest(string? Address);

    private sealed record FolderRequest(string? Parent, string Name);

    private sealed record FaultRateRequest(SandboxFaultKind? Kind, int? OneIn, int? BackOffMilliseconds, int DelayMilliseconds = 0, int? RetryAfterSeconds = null);

    private sealed record GenerateRequest(int Count = 1, int AttachmentBytes = 0, bool WithoutMessageId = false, string? Subject = null);
}
