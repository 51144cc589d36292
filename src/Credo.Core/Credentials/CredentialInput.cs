using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>
/// Values typed for a credential (console form, API body, CLI flags). On update, a <see langword="null"/>
/// or empty <see cref="ClientSecret"/> keeps the stored secret.
/// </summary>
public sealed class CredentialInput
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Client Identifier.</summary>
    public string? ClientId { get; set; }

    /// <summary>Client Secret (write-only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Token Endpoint.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Scopes separated by spaces.</summary>
    public string? Scopes { get; set; }

    /// <summary>Authentication Method; default HTTP Basic.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; set; } = ClientAuthenticationMethod.ClientSecretBasic;

    /// <summary>"Secret expires on": the day the client secret stops working, if known.</summary>
    public DateOnly? SecretExpiresOn { get; set; }

    /// <summary>Describes the input without the secret.</summary>
    public override string ToString() => $"{Name} ({ClientId} at {TokenEndpoint})";
}
