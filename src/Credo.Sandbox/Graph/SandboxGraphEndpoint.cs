using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Credo.Sandbox.Graph;

/// <summary>
/// <c>/v1.0</c>: the Microsoft Graph mail requests Credo uses (folders, <c>messages/delta</c>, a message, its
/// <c>$value</c>, <c>PATCH</c>, <c>move</c>, JSON <c>$batch</c>, <c>subscriptions</c>) over the same mailboxes as EWS, answered as Graph
/// answers app-only requests: the bearer token is checked (signature, issuer, audience
/// <c>https://graph.microsoft.com</c>, expiry), then its app roles (<c>Mail.ReadWrite</c>, or <c>Mail.Read</c> for
/// reads), then the request.
/// </summary>
internal sealed class SandboxGraphEndpoint(GraphDispatcher dispatcher, GraphBatch batch, TimeProvider time)
{
    public const string Path = "/v1.0";
    private const int MaxRequestBytes = 4 * 1024 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var request = await ReadAsync(context);
        if (request is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var (access, refusal) = await AuthorizeAsync(context, request);
        GraphAnswer answer;
        try
        {
            answer = refusal
                ?? (request.Segments is [var only] && only.Equals("$batch", StringComparison.OrdinalIgnoreCase)
                    ? request.Method == "POST"
                        ? await batch.RunAsync(request, access, context.RequestAborted)
                        : GraphErrors.Answer(405, "BadRequest", "Send a batch with POST.", request, time.GetUtcNow())
                    : await dispatcher.RunAsync(request, access, context.RequestAborted));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away during a slow answer; there is no one to answer.
            return;
        }

        await WriteAsync(context, request, answer);
    }

    private async Task<(GraphAccess Access, GraphAnswer? Refusal)> AuthorizeAsync(HttpContext context, GraphRequest request)
    {
        var now = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(context.Request.Headers.Authorization))
        {
            return (default, GraphErrors.Unauthorized("Access token is empty.", request, now));
        }

        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            return (default, GraphErrors.Unauthorized("Access token validation failure.", request, now));
        }

        if (!result.Principal.HasAudience(SandboxServer.GraphResource))
        {
            return (default, GraphErrors.Unauthorized("Access token validation failure. Invalid audience.", request, now));
        }

        var applicationId = result.Principal.FindFirst("appid")?.Value ?? result.Principal.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        return (GraphAccess.FromToken(result.Principal.FindAll("roles").Select(c => c.Value), applicationId), null);
    }

    private static async Task<GraphRequest?> ReadAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            return null;
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxRequestBytes)
            {
                return null;
            }

            body.Write(chunk, 0, read);
        }

        // The raw target keeps an escaped '/' inside an id escaped; the decoded path would split it.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString() + context.Request.QueryString;
        target = target.Length > Path.Length && target.StartsWith(Path + "/", StringComparison.OrdinalIgnoreCase) ? target[Path.Length..] : "/";
        var linkBase = context.Request.Scheme + "://" + context.Request.Host + Path + "/";
        return GraphRequest.Parse(
            context.Request.Method,
            target,
            linkBase,
            GraphPreferences.Parse(context.Request.Headers["Prefer"]),
            context.Request.Headers["client-request-id"].ToString(),
            body.ToArray());
    }

    private static async Task WriteAsync(HttpContext context, GraphRequest request, GraphAnswer answer)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        response.Headers["request-id"] = request.RequestId;
        response.Headers["client-request-id"] = request.ClientRequestId;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.Append(name, value);
        }

        var body = answer.Json ?? answer.Content;
        if (body is null)
        {
            return;
        }

        response.ContentType = answer.ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}
