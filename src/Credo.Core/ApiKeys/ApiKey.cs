using Credo.Core.Users;

namespace Credo.Core.ApiKeys;

/// <summary>A key for the REST API. Only its SHA-256 hash is stored; the key is shown once, when created.</summary>
public sealed class ApiKey
{
    /// <summary>Identifier.</summary>
    public Guid Id { get; set; }

    /// <summary>What the key is for.</summary>
    public string Name { get; set; } = "";

    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Hex SHA-256 of the key.</summary>
    public string KeyHash { get; set; } = "";

    /// <summary>What the key may do.</summary>
    public UserRole Role { get; set; }

    /// <summary>Who created it.</summary>
    public string CreatedBy { get; set; } = "";

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was revoked; a revoked key is refused.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
