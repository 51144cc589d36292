namespace Credo.Sandbox.Vaults.KeyVault;

/// <summary>One version of a Key Vault secret.</summary>
internal sealed record KeyVaultSecretVersion(string Name, string Version, string Value, string? ContentType, DateTimeOffset Created);
