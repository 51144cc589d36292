using System.Text.Json;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>One version of a KV version 2 secret: its key/values (any JSON, as Vault keeps them) and when it was written.</summary>
internal sealed record VaultSecretVersion(int Version, IReadOnlyDictionary<string, JsonElement> Data, DateTimeOffset Created);
