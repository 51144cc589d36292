using Credo.Core.Credentials;
using Credo.OAuth;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

/// <summary>The values of the add/edit form. The secret is write-only: it is never written back into the page.</summary>
public sealed class CredentialForm
{
    public string? Name { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? TokenEndpoint { get; set; }

    public string? Scopes { get; set; }

    public ClientAuthenticationMethod AuthenticationMethod { get; set; } = ClientAuthenticationMethod.ClientSecretBasic;

    /// <summary>The version the edit is based on.</summary>
    public long Version { get; set; }

    /// <summary>A secret typed before <b>Validate</b>, protected and time-limited, so <b>Add</b> needs no retyping.</summary>
    public string? PendingSecret { get; set; }

    /// <summary>Proof that <b>Validate</b> ran with these values, so <b>Add</b>/<b>Save</b> keeps its outcome.</summary>
    public string? ValidationStamp { get; set; }

    public CredentialInput ToInput(string? secret) => new()
    {
        Name = Name,
        ClientId = ClientId,
        ClientSecret = secret,
        TokenEndpoint = TokenEndpoint,
        Scopes = Scopes,
        AuthenticationMethod = AuthenticationMethod,
    };

    public static CredentialForm From(Credential credential) => new()
    {
        Name = credential.Name,
        ClientId = credential.ClientId,
        TokenEndpoint = credential.TokenEndpoint,
        Scopes = credential.Scopes,
        AuthenticationMethod = credential.AuthenticationMethod,
        Version = credential.Version,
    };

    /// <summary>Describes the form without the secret.</summary>
    public override string ToString() => $"{Name} ({ClientId})";
}
