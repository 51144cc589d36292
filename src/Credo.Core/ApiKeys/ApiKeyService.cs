using System.Security.Cryptography;
using System.Text;
using Credo.Core.Audit;
using Credo.Core.Persistence;
using Credo.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.ApiKeys;

/// <summary>API keys: created by an Administrator, shown once, stored as a SHA-256 hash, revocable.</summary>
public sealed class ApiKeyService(CredoDbContext db, AuditLog audit, TimeProvider time)
{
    private const string KeyPrefix = "credo_";

    /// <summary>All keys, newest first.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Creates a key and returns it with its value, which is not stored and cannot be shown again.</summary>
    public async Task<(ApiKey Key, string Value)> CreateAsync(string name, UserRole role, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var value = KeyPrefix + Base64UrlToken(32);
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = name.Trim(),
            Prefix = value[..12],
            KeyHash = Hash(value),
            Role = role,
            CreatedBy = actor,
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        audit.Record(actor, "create", "api-key", key.Id.ToString(), key.Name, $"role {role}");
        await db.SaveChangesAsync(cancellationToken);
        return (key, value);
    }

    /// <summary>The key with this value, if it exists and is not revoked.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string value, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value) || !value.StartsWith(KeyPrefix, StringComparison.Ordinal) || value.Length > 200)
        {
            return null;
        }

        var hash = Hash(value);
        return await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, cancellationToken);
    }

    /// <summary>Revokes a key; it is refused from then on.</summary>
    public async Task<bool> RevokeAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return false;
        }

        key.RevokedAt = time.GetUtcNow();
        audit.Record(actor, "revoke", "api-key", key.Id.ToString(), key.Name);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string Base64UrlToken(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
