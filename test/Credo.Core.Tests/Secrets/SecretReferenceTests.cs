using Credo.Core.Secrets;

namespace Credo.Core.Tests.Secrets;

/// <summary>Secret References are read exactly, and a wrong one says how to write it.</summary>
public sealed class SecretReferenceTests
{
    [Theory]
    [InlineData("keyvault://contoso/exchange-secret", SecretSourceKind.AzureKeyVault, "contoso", "exchange-secret", null, null)]
    [InlineData("keyvault://contoso/exchange-secret/0a1b2c", SecretSourceKind.AzureKeyVault, "contoso", "exchange-secret", "0a1b2c", null)]
    [InlineData("vault://main/secret/credo/exchange#client_secret", SecretSourceKind.Vault, "main", "secret/credo/exchange", null, "client_secret")]
    [InlineData("env:CREDO_SECRET_EXCHANGE", SecretSourceKind.Environment, "", "CREDO_SECRET_EXCHANGE", null, null)]
    [InlineData(" file:/run/secrets/exchange ", SecretSourceKind.File, "", "/run/secrets/exchange", null, null)]
    public void A_reference_names_its_source_and_place(string text, SecretSourceKind kind, string source, string name, string? version, string? key)
    {
        Assert.True(SecretReference.TryParse(text, out var reference, out var error), error);
        Assert.Equal((kind, source, name, version, key, text.Trim()), (reference.Kind, reference.Source, reference.Name, reference.Version, reference.Key, reference.Text));
    }

    [Fact]
    public void A_vault_reference_splits_its_mount_from_its_path()
    {
        Assert.True(SecretReference.TryParse("vault://main/kv/teams/mail/exchange#secret", out var reference, out _));
        Assert.Equal(("kv", "teams/mail/exchange"), (reference.Mount, reference.Path));
    }

    [Theory]
    [InlineData("", "Enter the Secret Reference")]
    [InlineData("sandbox-secret", "names no secret source")]
    [InlineData("keyvault://contoso", "keyvault://NAME/SECRET")]
    [InlineData("keyvault://contoso/bad_name", "letters, digits and dashes")]
    [InlineData("vault://main/secret/credo", "vault://NAME/MOUNT/PATH#KEY")]
    [InlineData("vault://main/secret#key", "vault://NAME/MOUNT/PATH#KEY")]
    [InlineData("vault://main/secret/../sys#key", "vault://NAME/MOUNT/PATH#KEY")]
    [InlineData("env:", "env:VARIABLE")]
    [InlineData("file:relative/path", "absolute path")]
    [InlineData("file:/run/../etc/shadow", "absolute path")]
    public void A_wrong_reference_says_how_to_write_it(string text, string expected)
    {
        Assert.False(SecretReference.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
