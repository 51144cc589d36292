using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Credo.Net;
using Credo.OAuth;
using Microsoft.Extensions.Options;

namespace Credo.Core.Secrets;

/// <summary>
/// Reads Secret References (README, "Secret sources") and keeps each value in memory only, for
/// <see cref="SecretSourceOptions.CacheDuration"/>: the next read after that, or a read asked to be fresh (after an
/// <c>invalid_client</c>), goes to the source again, so a rotation in the vault needs neither a restart nor an edit.
/// </summary>
public sealed class SecretSources : IDisposable
{
    private readonly IOptionsMonitor<SecretSourceOptions> _options;
    private readonly TimeProvider _time;
    private readonly VaultSecretReader _vault;
    private readonly KeyVaultSecretReader _keyVault;
    private readonly ConcurrentDictionary<string, (SecretRead Read, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    // Fingerprints of values: keyed per process, so they identify a value here and reveal nothing.
    private readonly byte[] _fingerprintKey = RandomNumberGenerator.GetBytes(32);

    internal SecretSources(IOptionsMonitor<SecretSourceOptions> options, VaultSecretReader vault, KeyVaultSecretReader keyVault, TimeProvider time) =>
        (_options, _vault, _keyVault, _time) = (options, vault, keyVault, time);

    /// <summary>Why <paramref name="reference"/> cannot be read here whatever the source says (its source is not configured), or null.</summary>
    public string? CheckConfigured(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var options = _options.CurrentValue;
        return reference.Kind switch
        {
            SecretSourceKind.AzureKeyVault when !options.AzureKeyVault.TryGetValue(reference.Source, out var vault) || vault.VaultUri is null =>
                $"No Key Vault named \"{reference.Source}\" is configured: set Credo:SecretSources:AzureKeyVault:{reference.Source}:VaultUri (README, \"Secret sources\"), or name one that is.",
            SecretSourceKind.Vault when !options.Vault.TryGetValue(reference.Source, out var vault) || vault.Address is null =>
                $"No Vault named \"{reference.Source}\" is configured: set Credo:SecretSources:Vault:{reference.Source}:Address (README, \"Secret sources\"), or name one that is.",
            SecretSourceKind.Vault when options.Vault[reference.Source].Address is { IsAbsoluteUri: true } address && address.Scheme != Uri.UriSchemeHttps && !address.IsLoopback =>
                $"Credo:SecretSources:Vault:{reference.Source}:Address is {address.Scheme}: a secret is read over https only (http on loopback).",
            SecretSourceKind.Environment when !options.AllowedPrefixes.Any(p => p.Length > 0 && reference.Name.StartsWith(p, StringComparison.Ordinal)) =>
                $"{reference} is not allowed: Credo reads only environment variables whose names begin with {string.Join(" or ", options.AllowedPrefixes)} "
                + "(Credo:SecretSources:EnvironmentPrefixes), so that a credential cannot send the server's own settings to a token endpoint. Rename the variable, or have the operator allow its prefix.",
            SecretSourceKind.File when !InAllowedFolder(reference.Name, options.AllowedFolders) =>
                $"{reference} is not allowed: Credo reads only files in {string.Join(", ", options.AllowedFolders)} (Credo:SecretSources:FileFolders), "
                + "so that a credential cannot send the server's own files to a token endpoint. Mount the secret there, or have the operator allow its folder.",
            _ => null,
        };
    }

    // Inside one of the folders, as written and once every link on the way is followed (a Kubernetes secret's files are
    // links within its folder; a link that leads out of it does not count).
    private static bool InAllowedFolder(string path, IReadOnlyList<string> folders)
    {
        var full = Path.GetFullPath(path);
        var real = "/";
        foreach (var part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(real, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            real = info.LinkTarget is null ? next : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
        }

        return folders.Any(folder => folder.Length > 0 && Inside(full, folder) && Inside(real, folder));

        static bool Inside(string file, string folder)
        {
            var root = Path.GetFullPath(folder).TrimEnd('/') + "/";
            return file.StartsWith(root, StringComparison.Ordinal);
        }
    }

    /// <summary>The value of <paramref name="reference"/> kept in memory, while it is younger than the cache duration; else null.</summary>
    public SecretRead? Cached(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return _cache.TryGetValue(reference.Text, out var cached) && _time.GetUtcNow() - cached.At < _options.CurrentValue.CacheDuration ? cached.Read : null;
    }

    /// <summary>
    /// The value of <paramref name="reference"/>: from memory while it is younger than the cache duration, unless
    /// <paramref name="fresh"/>; else from its source.
    /// </summary>
    public async Task<Result<SecretRead, SecretSourceFailure>> ReadAsync(SecretReference reference, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!fresh && Cached(reference) is { } cached)
        {
            return cached;
        }

        var now = _time.GetUtcNow();
        if (CheckConfigured(reference) is { } notConfigured)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.NotConfigured, notConfigured, "Configure the source, or change the credential's Secret Reference.");
        }

        var options = _options.CurrentValue;
        var read = reference.Kind switch
        {
            SecretSourceKind.Environment => Environment(reference),
            SecretSourceKind.File => await FileAsync(reference, cancellationToken),
            SecretSourceKind.Vault => await _vault.ReadAsync(reference, options.Vault[reference.Source], cancellationToken),
            _ => await _keyVault.ReadAsync(reference, options.AzureKeyVault[reference.Source], cancellationToken),
        };
        if (!read.Succeeded)
        {
            _cache.TryRemove(reference.Text, out _);
            return read.Error;
        }

        var (value, version, contentType) = read.Value;
        if (value.Length == 0)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.KeyMissing, $"{reference} is empty.", "Put the client secret (or certificate) in it.");
        }

        // The version alone would not do: a Vault secret deleted and written again starts over at version 1.
        var secretRead = new SecretRead(reference, new Secret(value), version, contentType, $"{version}:{Fingerprint(value)}");
        _cache[reference.Text] = (secretRead, now);
        return secretRead;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _vault.Dispose();
        _keyVault.Dispose();
    }

    private static Result<(string, string?, string?), SecretSourceFailure> Environment(SecretReference reference) =>
        System.Environment.GetEnvironmentVariable(reference.Name) is { } value
            ? (value, null, null)
            : new SecretSourceFailure(
                SecretSourceFailureKind.NotFound,
                $"The environment variable {reference.Name} of {reference} is not set in the Credo server's environment.",
                "Set it where the server is started (service unit, container environment), then restart the server; or change the Secret Reference.");

    private static async Task<Result<(string, string?, string?), SecretSourceFailure>> FileAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        try
        {
            var text = await File.ReadAllTextAsync(reference.Name, cancellationToken);
            return (text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text, null, null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.NotFound, $"The file {reference.Name} of {reference} does not exist.",
                "Mount the secret there (a Docker or Kubernetes secret), or change the Secret Reference.");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new SecretSourceFailure(SecretSourceFailureKind.Refused, $"The file {reference.Name} of {reference} cannot be read ({e.GetType().Name}).",
                "Let the user the Credo server runs as read it (and its folders).");
        }
    }

    private string Fingerprint(string value) =>
        "sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(_fingerprintKey, Encoding.UTF8.GetBytes(value)))[..16];
}
