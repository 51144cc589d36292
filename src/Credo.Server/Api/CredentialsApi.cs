using Credo.Core;
using Credo.Core.Credentials;
using Credo.Server.Security;
using Microsoft.AspNetCore.Authorization;

namespace Credo.Server.Api;

/// <summary><c>/api/v1/credentials</c>: the credential operations of the console for automation, with API keys.</summary>
internal static class CredentialsApi
{
    public static void MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var read = new AuthorizeAttribute(CredoPolicies.Viewer) { AuthenticationSchemes = CredoPolicies.ApiKeyScheme };
        var write = new AuthorizeAttribute(CredoPolicies.Administrator) { AuthenticationSchemes = CredoPolicies.ApiKeyScheme };
        var group = app.MapGroup("/api/v1/credentials").WithTags("Credentials").RequireAuthorization(read)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/", ListAsync).Produces<CredentialDto[]>()
            .WithSummary("Credentials by name, never their secrets: 'offset' (default 0) and 'limit' (default 100, at most 500); X-Total-Count has the total.");
        group.MapGet("/{id:guid}", GetAsync).Produces<CredentialDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One credential.");
        group.MapPost("/", CreateAsync).RequireAuthorization(write).ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<CredentialDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("Add a credential.");
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(write).ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<CredentialDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Change a credential; 'version' is the version the change is based on, and an omitted clientSecret (or certificate) keeps the stored one, but only with the stored tokenEndpoint and clientId: changing either needs it sent again. The type cannot change.");
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(write).ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Delete a credential.");
        group.MapPost("/validate", ValidateUnsavedAsync).RequireAuthorization(write).ProducesProblem(StatusCodes.Status403Forbidden)
            .AddEndpointFilter(LimitValidateAsync).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .Produces<ValidationReportDto>().ProducesValidationProblem()
            .WithSummary("Run a token request with unsaved values; the report never contains the token. Each API key may run only so many validations a minute (429 with Retry-After past that).");
        group.MapPost("/{id:guid}/validate", ValidateStoredAsync).RequireAuthorization(write).ProducesProblem(StatusCodes.Status403Forbidden)
            .AddEndpointFilter(LimitValidateAsync).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .Produces<ValidationReportDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Run a token request with the stored values and keep the outcome as the last validation; limited as the validation of unsaved values is.");
    }

    private static async Task<IResult> ListAsync(int? offset, int? limit, CredentialStore credentials, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var (page, total) = await credentials.PageAsync(offset ?? 0, limit ?? 100, cancellationToken);
        http.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        return TypedResults.Ok(page.Select(c => CredentialDto.From(c, now)).ToArray());
    }

    private static async Task<IResult> GetAsync(Guid id, CredentialStore credentials, TimeProvider time, CancellationToken cancellationToken) =>
        await credentials.GetAsync(id, cancellationToken) is { } credential ? TypedResults.Ok(CredentialDto.From(credential, time.GetUtcNow())) : NotFound(id);

    private static async Task<IResult> CreateAsync(CredentialRequest request, CredentialStore credentials, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.CertificateError() is { } unreadable)
        {
            return Invalid(new Dictionary<string, string> { [CredentialFields.Certificate] = unreadable });
        }

        var change = await credentials.CreateAsync(request.ToInput(), http.User.Actor(), cancellationToken);
        return change.Status == ChangeStatus.Done
            ? TypedResults.Created($"/api/v1/credentials/{change.Value!.Id}", CredentialDto.From(change.Value, time.GetUtcNow()))
            : Failure(change);
    }

    private static async Task<IResult> UpdateAsync(Guid id, CredentialRequest request, CredentialStore credentials, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.CertificateError() is { } unreadable)
        {
            return Invalid(new Dictionary<string, string> { [CredentialFields.Certificate] = unreadable });
        }

        if (request.Version is not { } version)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["version"] = ["Send the version the change is based on (from GET), so that a concurrent change is not overwritten."] },
                title: "The request is not valid.");
        }

        var change = await credentials.UpdateAsync(id, version, request.ToInput(), http.User.Actor(), cancellationToken);
        return change.Status == ChangeStatus.Done ? TypedResults.Ok(CredentialDto.From(change.Value!, time.GetUtcNow())) : Failure(change);
    }

    private static async Task<IResult> DeleteAsync(Guid id, CredentialStore credentials, HttpContext http, CancellationToken cancellationToken)
    {
        var change = await credentials.DeleteAsync(id, http.User.Actor(), cancellationToken);
        return change.Status == ChangeStatus.Done ? TypedResults.NoContent() : Failure(change);
    }

    private static async Task<IResult> ValidateUnsavedAsync(CredentialRequest request, CredentialValidator validator, HttpContext http, CancellationToken cancellationToken) =>
        request.CertificateError() is { } unreadable
            ? Invalid(new Dictionary<string, string> { [CredentialFields.Certificate] = unreadable })
            : Report(await validator.ValidateAsync(request.ToInput(), null, http.User.Actor(), cancellationToken));

    private static async Task<IResult> ValidateStoredAsync(Guid id, CredentialStore credentials, CredentialValidator validator, HttpContext http, CancellationToken cancellationToken) =>
        await credentials.GetAsync(id, cancellationToken) is { } stored
            ? Report(await validator.ValidateAsync(CredentialInputs.From(stored), id, http.User.Actor(), cancellationToken))
            : NotFound(id);

    // Each validation sends a real token request: an API key, like a console user, may run only so many (Credo:Validate).
    private static async ValueTask<object?> LimitValidateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var limit = context.HttpContext.RequestServices.GetRequiredService<ValidateRateLimit>();
        if (limit.TryAcquire(context.HttpContext.User) is { } wait)
        {
            context.HttpContext.Response.Headers.RetryAfter = ValidateRateLimit.Seconds(wait);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many validations", detail: limit.Refusal(wait));
        }

        return await next(context);
    }

    private static IResult Report(CredentialValidation validation) =>
        validation.Errors.Count > 0 ? Invalid(validation.Errors) : TypedResults.Ok(ValidationReportDto.From(validation));

    private static IResult Failure(Change<Credential> change) => change.Status switch
    {
        ChangeStatus.Invalid => Invalid(change.Errors),
        ChangeStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: change.Message),
        ChangeStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else", detail: change.Message),
        ChangeStatus.InUse => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "In use", detail: change.Message),
        _ => throw new InvalidOperationException($"Unexpected status {change.Status}."),
    };

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(IReadOnlyDictionary<string, string> errors) =>
        TypedResults.ValidationProblem(
            errors.ToDictionary(e => char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => new[] { e.Value }),
            title: "The credential is not valid.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no credential {id}.");
}
