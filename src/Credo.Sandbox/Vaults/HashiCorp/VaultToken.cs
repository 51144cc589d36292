using System.Security.Cryptography;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>A Vault token: the root token, which never expires, or one an AppRole login issued, renewable until it expires.</summary>
internal sealed class VaultToken
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private readonly Lock _gate = new();
    private DateTimeOffset? _expires;

    private VaultToken(string id, DateTimeOffset issued, TimeSpan? ttl)
    {
        Id = id;
        Issued = issued;
        CreationTtl = ttl ?? TimeSpan.Zero;
        _expires = issued + ttl;
    }

    public string Id { get; }

    public string Accessor { get; } = RandomNumberGenerator.GetString(Alphabet, 24);

    public DateTimeOffset Issued { get; }

    public TimeSpan CreationTtl { get; }

    /// <summary>The AppRole that logged in; <see langword="null"/> for the root token.</summary>
    public string? RoleId { get; private init; }

    public bool IsRoot => RoleId is null;

    public IReadOnlyList<string> Policies => IsRoot ? ["root"] : ["default"];

    /// <summary>When the token expires; <see langword="null"/> for the root token.</summary>
    public DateTimeOffset? Expires
    {
        get
        {
            lock (_gate)
            {
                return _expires;
            }
        }
    }

    public static VaultToken Root(string id, DateTimeOffset now) => new(id, now, ttl: null);

    // Vault's service tokens since 1.10: "hvs." and 24 or more characters.
    public static VaultToken AppRole(string roleId, TimeSpan ttl, DateTimeOffset now) =>
        new("hvs." + RandomNumberGenerator.GetString(Alphabet, 24), now, ttl) { RoleId = roleId };

    public bool IsExpired(DateTimeOffset now) => Expires is { } expires && expires <= now;

    /// <summary>The seconds left: 0 for the root token, which has no TTL.</summary>
    public long TtlSeconds(DateTimeOffset now) => Expires is { } expires ? Math.Max(0, (long)Math.Ceiling((expires - now).TotalSeconds)) : 0;

    /// <summary>Extends an AppRole token to <paramref name="increment"/> from now; the root token has nothing to renew.</summary>
    public void Renew(TimeSpan increment, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_expires is not null)
            {
                _expires = now + increment;
            }
        }
    }
}
