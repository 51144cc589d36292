using System.Globalization;
using System.Security.Claims;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Credo.Sandbox.Ews;

/// <summary>
/// <c>/EWS/Exchange.asmx</c>: the EWS operations Credo uses plus <c>GetFolder</c> and <c>FindItem</c>, answered as
/// Exchange Online answers app-only requests: the bearer token is checked (signature, issuer, audience, expiry, the
/// <c>full_access_as_app</c> role), then the impersonation header and <c>X-AnchorMailbox</c>, then the operation.
/// </summary>
internal sealed class SandboxEwsEndpoint(SandboxMailboxes mailboxes)
{
    public const string Path = "/EWS/Exchange.asmx";
    private const int MaxRequestBytes = 1024 * 1024;

    private static readonly XNamespace S = EwsResponseWriter.Soap;
    private static readonly XNamespace M = EwsResponseWriter.Messages;
    private static readonly XNamespace T = EwsResponseWriter.Types;

    public async Task HandleAsync(HttpContext context)
    {
        var request = await ReadRequestAsync(context);
        if (request is null)
        {
            return;
        }

        var (body, impersonated) = request.Value;
        var mailbox = impersonated is null ? null : mailboxes.Find(impersonated);
        if (mailbox is null)
        {
            await AnswerAsync(context, body, impersonated, null);
            return;
        }

        // In flight from here until answered, faults and delays included.
        mailbox.EnterEws(body.Name.LocalName);
        try
        {
            await AnswerAsync(context, body, impersonated, mailbox);
        }
        finally
        {
            mailbox.LeaveEws();
        }
    }

    private async Task AnswerAsync(HttpContext context, XElement body, string? impersonated, SandboxMailbox? mailbox)
    {
        var fault = mailbox?.Arrive(body.Name.LocalName, body.Element(M + "SyncState") is not null);
        if (fault is not null && await ApplyAsync(context, fault))
        {
            mailbox!.CountFaulted();
            return;
        }

        if (!await AuthorizeAsync(context))
        {
            return;
        }

        if (impersonated is null)
        {
            await FaultAsync(context, "ErrorInvalidExchangeImpersonationHeaderData", "ExchangeImpersonation SOAP header must be present for this type of OAuth token.");
            return;
        }

        if (!string.Equals(context.Request.Headers["X-AnchorMailbox"].ToString(), impersonated, StringComparison.OrdinalIgnoreCase))
        {
            await FaultAsync(context, "ErrorInvalidExchangeImpersonationHeaderData", "ExchangeImpersonation SOAP header must not exist for this type of OAuth token.");
            return;
        }

        if (mailbox is null)
        {
            await FaultAsync(context, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.");
            return;
        }

        var operation = body.Name.LocalName;
        PooledAnswer? answer;
        lock (mailbox.Gate)
        {
            answer = operation switch
            {
                _ when fault?.Kind == SandboxFaultKind.InvalidSyncState => EwsResponseWriter.Response(operation, w => w.Error(operation, "ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid.")),
                _ when fault?.Kind == SandboxFaultKind.ConnectionCountExceeded => EwsResponseWriter.Response(operation, w =>
                {
                    // Exchange answers each item of a batch with a response message of its own.
                    for (var i = 0; i < ItemsIn(body); i++)
                    {
                        w.Error(operation, "ErrorExceededConnectionCount", "You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.");
                    }
                }),
                "SyncFolderItems" => SandboxEwsOperations.SyncFolderItems(mailbox, mailboxes.SyncStates, body),
                "GetItem" => SandboxEwsOperations.GetItem(mailbox, body),
                "UpdateItem" => SandboxEwsOperations.UpdateItem(mailbox, body),
                "MoveItem" => SandboxEwsOperations.MoveItem(mailbox, body),
                "DeleteItem" => SandboxEwsOperations.DeleteItem(mailbox, body),
                "GetFolder" => SandboxEwsOperations.GetFolder(mailbox, body),
                "FindFolder" => SandboxEwsOperations.FindFolder(mailbox, body),
                "FindItem" => SandboxEwsOperations.FindItem(mailbox, body),
                _ => null,
            };
        }

        // These two are answered as response messages, once the token and headers pass, so they count as faulted
        // only here: a request refused earlier was not answered with them.
        if (fault?.Kind is SandboxFaultKind.InvalidSyncState or SandboxFaultKind.ConnectionCountExceeded)
        {
            mailbox.CountFaulted();
        }

        if (answer is null)
        {
            await FaultAsync(context, "ErrorInvalidRequest", $"The request is invalid: the sandbox does not implement {operation}.");
            return;
        }

        using (answer)
        {
            await WriteAsync(context, StatusCodes.Status200OK, answer);
        }
    }

    // How many response messages a request gets: one per item of GetItem, UpdateItem, MoveItem and DeleteItem, else one.
    private static int ItemsIn(XElement body) =>
        Math.Max(1, (body.Element(M + "ItemIds") ?? body.Element(M + "ItemChanges"))?.Elements().Count() ?? 1);

    private static async Task<(XElement Body, string? Impersonated)?> ReadRequestAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return null;
        }

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(context.Request.Body, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, Async = true, MaxCharactersInDocument = MaxRequestBytes });
            document = await XDocument.LoadAsync(reader, LoadOptions.None, context.RequestAborted);
        }
        catch (XmlException e)
        {
            await FaultAsync(context, "ErrorSchemaValidation", $"The request failed schema validation: {e.Message}");
            return null;
        }

        var body = document.Root?.Element(S + "Body")?.Elements().FirstOrDefault();
        if (document.Root?.Name != S + "Envelope" || body is null || body.Name.Namespace != M)
        {
            await FaultAsync(context, "ErrorInvalidRequest", "The request is invalid: it is not a SOAP 1.1 envelope with an EWS operation.");
            return null;
        }

        var sid = document.Root.Element(S + "Header")?.Element(T + "ExchangeImpersonation")?.Element(T + "ConnectingSID");
        var impersonated = (string?)sid?.Element(T + "SmtpAddress") ?? (string?)sid?.Element(T + "PrimarySmtpAddress");
        return (body, impersonated);
    }

    private static async Task<bool> AuthorizeAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        string? reason = !result.Succeeded || !result.Principal.HasAudience(SandboxServer.ExchangeOnlineResource)
            ? "The token has an invalid signature, issuer, audience or lifetime."
            : !result.Principal.FindAll("roles").Any(c => c.Value == "full_access_as_app")
                ? "The token contains no permissions, or permissions can not be understood."
                : null;
        if (reason is null)
        {
            return true;
        }

        await UnauthorizedAsync(context, reason);
        return false;
    }

    private static async Task UnauthorizedAsync(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = new[]
        {
            "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\"",
            "Basic Realm=\"\"",
        };
        context.Response.Headers["x-ms-diagnostics"] = $"2000003;reason=\"{reason}\";error_category=\"invalid_token\"";
        await context.Response.CompleteAsync();
    }

    private static async Task<bool> ApplyAsync(HttpContext context, SandboxFault fault)
    {
        switch (fault.Kind)
        {
            case SandboxFaultKind.ServerBusy:
                await FaultAsync(context, "ErrorServerBusy", "The server cannot service this request right now. Try again later.", backOffMilliseconds: fault.BackOffMilliseconds);
                return true;
            case SandboxFaultKind.TooManyRequests:
                await FaultAsync(context, "ErrorServerBusy", "The server cannot service this request right now. Try again later.", backOffMilliseconds: fault.BackOffMilliseconds ?? fault.GraphRetryAfterSeconds * 1000);
                return true;
            case SandboxFaultKind.Unauthorized:
                await UnauthorizedAsync(context, "The token has expired.");
                return true;
            case SandboxFaultKind.InternalServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>Server Error in '/EWS' Application.</h1></body></html>");
                return true;
            case SandboxFaultKind.ServiceUnavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = ((fault.BackOffMilliseconds ?? 1000) / 1000).ToString(CultureInfo.InvariantCulture);
                return true;
            case SandboxFaultKind.Delay:
                await Task.Delay(fault.DelayMilliseconds, context.RequestAborted);
                return false;
            default:
                return false;
        }
    }

    private static async Task FaultAsync(HttpContext context, string code, string message, int? backOffMilliseconds = null)
    {
        using var fault = EwsResponseWriter.Fault(code, message, backOffMilliseconds);
        await WriteAsync(context, StatusCodes.Status500InternalServerError, fault);
    }

    private static async Task WriteAsync(HttpContext context, int status, PooledAnswer body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.Written, context.RequestAborted);
    }
}
