using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>
/// The HashiCorp Vault (or OpenBao) the sandbox serves at <c>/v1</c> on its plain http address: KV version 2 secrets
/// engines (mount <see cref="DefaultMount"/> exists from the start), a root token, AppRole logins issuing tokens that
/// expire unless renewed, and the test's handle on it: set and rotate secrets, add AppRoles, count reads, seal it.
/// </summary>
public sealed class SandboxVault
{
    /// <summary>The KV version 2 mount that exists from the start, as in a Vault dev server.</summary>
    public const string DefaultMount = "secret";

    /// <summary>The AppRole role id of <c>credo sandbox</c> and <c>serve --demo</c>.</summary>
    public const string DemoRoleId = "sandbox-role";

    /// <summary>The AppRole secret id of <see cref="DemoRoleId"/>.</summary>
    public const string DemoSecretId = "sandbox-role-secret";

    /// <summary>The path, in <see cref="DefaultMount"/>, of the demo secret, whose key <see cref="DemoSecretKey"/> holds the sandbox client's secret.</summary>
    public const string DemoSecretPath = "credo/sandbox-client";

    /// <summary>The key of the demo secret that holds the sandbox client's secret.</summary>
    public const string DemoSecretKey = "client_secret";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, VaultSecret>> _mounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _appRoles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VaultToken> _tokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _reads;
    private long _writes;
    private long _logins;

    internal SandboxVault(string rootToken, TimeSpan tokenTtl, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootToken);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tokenTtl, TimeSpan.Zero);
        RootToken = rootToken;
        TokenTtl = tokenTtl;
        _time = time;
        _tokens[rootToken] = VaultToken.Root(rootToken, time.GetUtcNow());
        AddMount(DefaultMount);
    }

    /// <summary>The Vault address to configure a client with, for example <c>http://127.0.0.1:5090/</c> (the API is below <c>/v1</c>).</summary>
    public Uri Address { get; internal set; } = null!;

    /// <summary>The root token: it never expires and may do anything.</summary>
    public string RootToken { get; }

    /// <summary>The lifetime of tokens an AppRole login issues, and of a renewal without an increment.</summary>
    public TimeSpan TokenTtl { get; }

    /// <summary>The KV mounts, <see cref="DefaultMount"/> and those added since.</summary>
    public IReadOnlyList<string> Mounts => [.. _mounts.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// When <see langword="true"/>, Vault stops answering: every <c>/v1</c> request gets <c>503</c>
    /// <c>{"errors":["Vault is sealed"]}</c>, as a sealed Vault answers. Default <see langword="false"/>.
    /// </summary>
    public bool Unavailable { get; set; }

    /// <summary>Secret reads (<c>GET /v1/{mount}/data/{path}</c>) answered, found or not, with a valid token.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Secret versions written through <c>/v1</c> (not those of <see cref="SetSecret"/>).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Successful AppRole logins.</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Enables a KV version 2 secrets engine at <paramref name="mount"/>; nothing happens when there is one.</summary>
    public void AddMount(string mount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mount);
        _mounts.GetOrAdd(Trim(mount), _ => new ConcurrentDictionary<string, VaultSecret>(StringComparer.Ordinal));
    }

    /// <summary>
    /// Writes a new version of the secret at <paramref name="path"/> in <paramref name="mount"/> (enabled if it is not),
    /// as <c>vault kv put</c> does, and answers its version number: 1 for a new secret.
    /// </summary>
    public int SetSecret(string mount, string path, IReadOnlyDictionary<string, string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddMount(mount);
        var values = data.ToDictionary(p => p.Key, p => VaultSecret.Text(p.Value), StringComparer.Ordinal);
        return Secret(mount, path, create: true)!.Write(values, cas: null, _time.GetUtcNow())!.Version;
    }

    /// <summary>The key/values of a version of a secret (default the latest), or <see langword="null"/> when there is none.</summary>
    public IReadOnlyDictionary<string, string>? GetSecret(string mount, string path, int? version = null) =>
        Secret(mount, path, create: false)?.Read(version)?.Data.ToDictionary(
            p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);

    /// <summary>Adds (or replaces the secret id of) an AppRole whose login issues tokens for <see cref="TokenTtl"/>.</summary>
    public void AddAppRole(string roleId, string secretId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        _appRoles[roleId] = secretId;
    }

    /// <summary>Ends a token now, as its expiry would; the root token cannot be ended.</summary>
    /// <returns><see langword="false"/> when there is no such token, or it is the root token.</returns>
    public bool ExpireToken(string token) =>
        !string.Equals(token, RootToken, StringComparison.Ordinal) && _tokens.TryRemove(token, out _);

    internal VaultToken? Login(string? roleId, string? secretId)
    {
        if (roleId is null || secretId is null || !_appRoles.TryGetValue(roleId, out var expected)
            || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(secretId)))
        {
            return null;
        }

        var token = VaultToken.AppRole(roleId, TokenTtl, _time.GetUtcNow());
        _tokens[token.Id] = token;
        Interlocked.Increment(ref _logins);
        return token;
    }

    /// <summary>The token, unless there is none such or it has expired (then it is dropped).</summary>
    internal VaultToken? FindToken(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_tokens.TryGetValue(id, out var token))
        {
            return null;
        }

        if (token.IsExpired(_time.GetUtcNow()))
        {
            _tokens.TryRemove(new(id, token));
            return null;
        }

        return token;
    }

    internal bool HasMount(string mount) => _mounts.ContainsKey(mount);

    internal VaultSecret? Secret(string mount, string path, bool create)
    {
        if (!_mounts.TryGetValue(Trim(mount), out var secrets))
        {
            return null;
        }

        path = Trim(path);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return create ? secrets.GetOrAdd(path, _ => new VaultSecret()) : secrets.GetValueOrDefault(path);
    }

    internal void CountRead() => Interlocked.Increment(ref _reads);

    internal void CountWrite() => Interlocked.Increment(ref _writes);

    internal DateTimeOffset Now => _time.GetUtcNow();

    private static string Trim(string path) => path.Trim('/');
}
