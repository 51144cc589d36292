using System.Security.Claims;
using System.Text.Encodings.Web;
using Credo.Core.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Credo.Server.Security;

/// <summary>
/// Authenticates <c>/api/v1</c> calls by an API key in <c>Authorization: Bearer credo_...</c> or <c>X-Api-Key</c>.
/// Cookies are not accepted there, so the API needs no antiforgery token.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var value = Request.Headers["X-Api-Key"].ToString();
        if (string.IsNullOrEmpty(value))
        {
            var authorization = Request.Headers.Authorization.ToString();
            value = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        }

        if (string.IsNullOrEmpty(value))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.AuthenticateAsync(value, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, key.Id.ToString()), new Claim(ClaimTypes.Name, "api-key:" + key.Name), new Claim(ClaimTypes.Role, key.Role.ToString())],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status401Unauthorized, "API key required", "Send an API key created in the console (Administration › API keys) as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "Not allowed", "This API key is read-only (Viewer); changes need an Administrator key.");

    private Task Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
}
