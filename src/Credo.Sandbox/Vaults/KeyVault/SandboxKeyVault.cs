using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Credo.Sandbox.Vaults.KeyVault;

/// <summary>
/// The Azure Key Vault the sandbox serves at <c>/secrets</c> on its https address (<see cref="SandboxServer.KeyVaultUri"/>),
/// for bearer tokens its authorization server issued for <see cref="Resource"/>; and the test's handle on it: set and
/// rotate secrets, count reads, refuse a client (403), make it unavailable (503).
/// </summary>
public sealed partial class SandboxKeyVault
{
    /// <summary>The audience of tokens for Azure Key Vault, which its challenge names as <c>resource</c>.</summary>
    public const string Resource = "https://vault.azure.net";

    /// <summary>The secret of <c>credo sandbox</c> and <c>serve --demo</c>, holding the sandbox client's secret.</summary>
    public const string DemoSecretName = "sandbox-client-secret";

    private readonly ConcurrentDictionary<string, KeyVaultSecret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _reads;

    internal SandboxKeyVault(TimeProvider time) => _time = time;

    /// <summary>The vault URI to configure a client with, for example <c>https://127.0.0.1:5091/</c>.</summary>
    public Uri Uri { get; internal set; } = null!;

    /// <summary>
    /// When <see langword="true"/>, the vault stops answering: every <c>/secrets</c> request gets <c>503</c>
    /// <c>ServiceUnavailable</c>. Default <see langword="false"/>.
    /// </summary>
    public bool Unavailable { get; set; }

    /// <summary>Secret reads (<c>GET /secrets/...</c>) answered, found or not, to an authorized caller.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The names of the secrets.</summary>
    public IReadOnlyList<string> Names => [.. _secrets.Values.Select(s => s.Name).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// Sets a new version of the secret <paramref name="name"/> (created if there is none), as <c>az keyvault secret set</c>
    /// does, and answers its version: 32 hexadecimal digits.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not 1 to 127 letters, digits and dashes, as Key Vault requires.</exception>
    public string SetSecret(string name, string value, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidName(name))
        {
            throw new ArgumentException("A Key Vault secret name is 1 to 127 letters, digits and dashes.", nameof(name));
        }

        return _secrets.GetOrAdd(name, n => new KeyVaultSecret(n)).Add(value, contentType, _time.GetUtcNow()).Version;
    }

    /// <summary>The value of a version of a secret (default the latest), or <see langword="null"/> when there is none.</summary>
    public string? GetSecret(string name, string? version = null) => Find(name, version)?.Value;

    /// <summary>Refuses the client's tokens from now on, as a vault without a role assignment for it does: <c>403 Forbidden</c>.</summary>
    public void RefuseClient(string clientId) => _refused[clientId] = true;

    /// <summary>Accepts the client's tokens again.</summary>
    public void AllowClient(string clientId) => _refused.TryRemove(clientId, out _);

    internal bool Refuses(string clientId) => _refused.ContainsKey(clientId);

    internal KeyVaultSecretVersion? Find(string name, string? version) =>
        _secrets.TryGetValue(name, out var secret) ? secret.Find(version) : null;

    internal void CountRead() => Interlocked.Increment(ref _reads);

    internal DateTimeOffset Now => _time.GetUtcNow();

    internal static bool IsValidName([NotNullWhen(true)] string? name) => name is not null && SecretName().IsMatch(name);

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
