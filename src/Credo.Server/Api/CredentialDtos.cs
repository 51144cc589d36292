using Credo.Core.Credentials;
using Credo.OAuth;

namespace Credo.Server.Api;

/// <summary>A credential as the API shows it: everything but the secret.</summary>
internal sealed record CredentialDto(
    Guid Id,
    string Name,
    string ClientId,
    string TokenEndpoint,
    string Scopes,
    ClientAuthenticationMethod AuthenticationMethod,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    LastValidationDto? LastValidation)
{
    public static CredentialDto From(Credential c) => new(
        c.Id, c.Name, c.ClientId, c.TokenEndpoint, c.Scopes, c.AuthenticationMethod, c.Version, c.CreatedAt, c.UpdatedAt,
        c.LastValidatedAt is { } at ? new LastValidationDto(at, c.LastValidationSucceeded == true, c.LastValidationSummary) : null);
}

/// <summary>The outcome of the last validation.</summary>
internal sealed record LastValidationDto(DateTimeOffset At, bool Succeeded, string? Summary);

/// <summary>
/// The body of create, update and validate. <c>clientSecret</c> is write-only; on update it may be left out to keep
/// the stored one, unless <c>tokenEndpoint</c> or <c>clientId</c> changes (the stored secret goes only where it was
/// saved for). <c>version</c> is required on update: the version the change is based on.
/// </summary>
internal sealed record CredentialRequest(
    string? Name,
    string? ClientId,
    string? ClientSecret,
    string? TokenEndpoint,
    string? Scopes,
    ClientAuthenticationMethod? AuthenticationMethod,
    long? Version)
{
    public CredentialInput ToInput() => new()
    {
        Name = Name,
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        TokenEndpoint = TokenEndpoint,
        Scopes = Scopes,
        AuthenticationMethod = AuthenticationMethod ?? ClientAuthenticationMethod.ClientSecretBasic,
    };

    /// <summary>Describes the request without the secret.</summary>
    public override string ToString() => $"{Name} ({ClientId})";
}

/// <summary>The report of a validation: never the token.</summary>
internal sealed record ValidationReportDto(
    bool Succeeded,
    string Summary,
    string? TokenType,
    double? LifetimeSeconds,
    string? GrantedScope,
    IReadOnlyList<string>? Audiences,
    IReadOnlyList<string>? Roles,
    IReadOnlyList<string>? Scp,
    DateTimeOffset? ExpiresAt,
    string? Stage,
    string? Message,
    string? Hint,
    string? Error,
    string? ErrorDescription,
    string? ErrorUri,
    IReadOnlyList<string> Warnings)
{
    public static ValidationReportDto From(CredentialValidation v) => new(
        v.Succeeded, v.Summary, v.TokenType, v.Lifetime?.TotalSeconds, v.GrantedScope,
        v.Claims?.Audiences, v.Claims?.Roles, v.Claims?.Scopes, v.Claims?.ExpiresAt,
        v.Failure?.Stage, v.Failure?.Message, v.Failure?.Hint, v.Failure?.Error, v.Failure?.ErrorDescription, v.Failure?.ErrorUri, v.Warnings);
}
