using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Credo.Sandbox.Vaults.HashiCorp;

/// <summary>The versions of one KV version 2 secret, the first numbered 1; none is ever deleted.</summary>
internal sealed class VaultSecret
{
    private readonly List<VaultSecretVersion> _versions = [];
    private readonly Lock _gate = new();

    /// <summary>The latest version, or <paramref name="version"/>; <see langword="null"/> when there is no such version.</summary>
    public VaultSecretVersion? Read(int? version)
    {
        lock (_gate)
        {
            return version switch
            {
                null or 0 => _versions.LastOrDefault(),
                > 0 when version <= _versions.Count => _versions[version.Value - 1],
                _ => null,
            };
        }
    }

    /// <summary>
    /// Adds a version, unless <paramref name="cas"/> (check-and-set) is given and is not the current version (0: the
    /// secret must not exist yet); then <see langword="null"/>.
    /// </summary>
    public VaultSecretVersion? Write(IReadOnlyDictionary<string, JsonElement> data, int? cas, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (cas is { } expected && expected != _versions.Count)
            {
                return null;
            }

            var version = new VaultSecretVersion(_versions.Count + 1, data, now);
            _versions.Add(version);
            return version;
        }
    }

    /// <summary>A value of a written secret as it is kept: immutable, so that reads may share it.</summary>
    public static JsonElement Json(JsonNode? value)
    {
        using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    /// <summary>A string as the JSON value Vault stores for it.</summary>
    public static JsonElement Text(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
