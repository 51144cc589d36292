using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>An "OAuth2 Client Credentials" credential as stored. The secret is held only in protected form.</summary>
public sealed class Credential
{
    /// <summary>Identifier.</summary>
    public Guid Id { get; set; }

    /// <summary>Display name, unique regardless of case.</summary>
    public string Name { get; set; } = "";

    /// <summary>Upper-case <see cref="Name"/>, for the unique index.</summary>
    public string NormalizedName { get; set; } = "";

    /// <summary>Client identifier.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret protected with ASP.NET Core Data Protection; never the secret itself.</summary>
    public string ProtectedClientSecret { get; set; } = "";

    /// <summary>Token endpoint URL.</summary>
    public string TokenEndpoint { get; set; } = "";

    /// <summary>Scopes, normalized (single spaces, no duplicates).</summary>
    public string Scopes { get; set; } = "";

    /// <summary>Client authentication method.</summary>
    public ClientAuthenticationMethod AuthenticationMethod { get; set; }

    /// <summary>Bumped by every change; the optimistic concurrency token and part of the token cache key.</summary>
    public long Version { get; set; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it was last validated, if ever (with its current values).</summary>
    public DateTimeOffset? LastValidatedAt { get; set; }

    /// <summary>Whether the last validation succeeded.</summary>
    public bool? LastValidationSucceeded { get; set; }

    /// <summary>One line about the last validation (never a token or secret).</summary>
    public string? LastValidationSummary { get; set; }
}
