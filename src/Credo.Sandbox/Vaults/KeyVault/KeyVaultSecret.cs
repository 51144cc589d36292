using System.Security.Cryptography;

namespace Credo.Sandbox.Vaults.KeyVault;

/// <summary>The versions of one Key Vault secret, in the order they were set.</summary>
internal sealed class KeyVaultSecret(string name)
{
    private readonly List<KeyVaultSecretVersion> _versions = [];
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    public KeyVaultSecretVersion Add(string value, string? contentType, DateTimeOffset now)
    {
        var version = new KeyVaultSecretVersion(Name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), value, contentType, now);
        lock (_gate)
        {
            _versions.Add(version);
        }

        return version;
    }

    /// <summary>The latest version, or the one named <paramref name="version"/>; <see langword="null"/> when there is none.</summary>
    public KeyVaultSecretVersion? Find(string? version)
    {
        lock (_gate)
        {
            return string.IsNullOrEmpty(version)
                ? _versions.LastOrDefault()
                : _versions.Find(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
        }
    }
}
