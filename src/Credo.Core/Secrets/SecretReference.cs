using System.Diagnostics.CodeAnalysis;

namespace Credo.Core.Secrets;

/// <summary>Where a referenced secret lives.</summary>
public enum SecretSourceKind
{
    /// <summary><c>keyvault://NAME/SECRET[/VERSION]</c>: an Azure Key Vault secret.</summary>
    AzureKeyVault,

    /// <summary><c>vault://NAME/MOUNT/PATH#KEY</c>: a key of a HashiCorp Vault or OpenBao KV version 2 secret.</summary>
    Vault,

    /// <summary><c>env:VARIABLE</c>: an environment variable of the server.</summary>
    Environment,

    /// <summary><c>file:/ABSOLUTE/PATH</c>: a file's content without one trailing newline.</summary>
    File,
}

/// <summary>
/// A Secret Reference (README, "Secret sources"): where a credential's client secret or certificate is read from,
/// instead of being stored in Credo. It names a place, never a value, so it may be shown, logged and audited.
/// </summary>
public sealed record SecretReference
{
    private const string Forms =
        "Use keyvault://NAME/SECRET[/VERSION], vault://NAME/MOUNT/PATH#KEY, env:VARIABLE or file:/ABSOLUTE/PATH.";

    private SecretReference(SecretSourceKind kind, string text, string source, string name, string? version = null, string? key = null)
        => (Kind, Text, Source, Name, Version, Key) = (kind, text, source, name, version, key);

    /// <summary>Longest reference accepted.</summary>
    public const int MaxLength = 1000;

    /// <summary>The kind of source.</summary>
    public SecretSourceKind Kind { get; }

    /// <summary>The reference as written.</summary>
    public string Text { get; }

    /// <summary>The configured source it names (<c>NAME</c> of Key Vault and Vault references); empty for <c>env:</c> and <c>file:</c>.</summary>
    public string Source { get; }

    /// <summary>The secret's name (Key Vault), <c>MOUNT/PATH</c> (Vault), the variable (<c>env:</c>) or the absolute path (<c>file:</c>).</summary>
    public string Name { get; }

    /// <summary>The Key Vault version asked for; null for the latest.</summary>
    public string? Version { get; }

    /// <summary>The key within a Vault secret.</summary>
    public string? Key { get; }

    /// <summary>The mount of a Vault reference (the first segment of <see cref="Name"/>).</summary>
    public string Mount => Name[..Name.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>The path of a Vault reference within its mount.</summary>
    public string Path => Name[(Name.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>The reference as written.</summary>
    public override string ToString() => Text;

    /// <summary>Reads <paramref name="text"/>; false with a message that says what is wrong and how to write it otherwise.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SecretReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        var trimmed = text?.Trim() ?? "";
        error = trimmed.Length == 0 ? $"Enter the Secret Reference. {Forms}"
            : trimmed.Length > MaxLength ? $"The Secret Reference is {trimmed.Length} characters long; at most {MaxLength} are accepted."
            : trimmed.Any(char.IsControl) ? "The Secret Reference contains a control character (a line break or tab); remove it."
            : null;
        if (error is not null)
        {
            return false;
        }

        if (trimmed.StartsWith("keyvault://", StringComparison.OrdinalIgnoreCase))
        {
            var parts = trimmed["keyvault://".Length..].Split('/');
            if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0) || !parts[1].All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                error = $"\"{trimmed}\" is not a Key Vault reference: write keyvault://NAME/SECRET or keyvault://NAME/SECRET/VERSION, where NAME is a vault configured under Credo:SecretSources:AzureKeyVault and SECRET holds only letters, digits and dashes.";
                return false;
            }

            reference = new(SecretSourceKind.AzureKeyVault, trimmed, parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
            return true;
        }

        if (trimmed.StartsWith("vault://", StringComparison.OrdinalIgnoreCase))
        {
            var hash = trimmed.IndexOf('#', StringComparison.Ordinal);
            var parts = trimmed["vault://".Length..(hash < 0 ? trimmed.Length : hash)].Split('/');
            if (hash < 0 || hash == trimmed.Length - 1 || parts.Length < 3 || parts.Any(p => p.Length == 0 || p is "." or ".." || p.Contains('?', StringComparison.Ordinal)))
            {
                error = $"\"{trimmed}\" is not a Vault reference: write vault://NAME/MOUNT/PATH#KEY, for example vault://main/secret/credo/exchange#client_secret, where NAME is a Vault configured under Credo:SecretSources:Vault.";
                return false;
            }

            reference = new(SecretSourceKind.Vault, trimmed, parts[0], string.Join('/', parts[1..]), key: trimmed[(hash + 1)..]);
            return true;
        }

        if (trimmed.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
        {
            var variable = trimmed["env:".Length..];
            if (variable.Length == 0 || variable.Contains('=', StringComparison.Ordinal) || variable.Any(char.IsWhiteSpace))
            {
                error = $"\"{trimmed}\" is not an environment reference: write env:VARIABLE, for example env:CREDO_SECRET_EXCHANGE.";
                return false;
            }

            reference = new(SecretSourceKind.Environment, trimmed, "", variable);
            return true;
        }

        if (trimmed.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var path = trimmed["file:".Length..];
            if (!path.StartsWith('/') || path.Split('/').Any(p => p == ".."))
            {
                error = $"\"{trimmed}\" is not a file reference: write file: and an absolute path without \"..\", for example file:/run/secrets/exchange-client-secret.";
                return false;
            }

            reference = new(SecretSourceKind.File, trimmed, "", path);
            return true;
        }

        error = $"\"{trimmed}\" names no secret source. {Forms}";
        return false;
    }
}
