using System.Text.Json.Nodes;

namespace Credo.Sandbox.Vaults.KeyVault;

/// <summary>Key Vault's JSON answers: a secret bundle, and <c>{"error":{"code","message"}}</c>.</summary>
internal static class KeyVaultResponses
{
    public static JsonObject Bundle(KeyVaultSecretVersion secret, Uri vault)
    {
        var created = secret.Created.ToUnixTimeSeconds();
        var bundle = new JsonObject
        {
            ["value"] = secret.Value,
            ["id"] = $"{vault.AbsoluteUri.TrimEnd('/')}/secrets/{secret.Name}/{secret.Version}",
            ["attributes"] = new JsonObject
            {
                ["enabled"] = true,
                ["created"] = created,
                ["updated"] = created,
                ["recoveryLevel"] = "Recoverable+Purgeable",
                ["recoverableDays"] = 90,
            },
            ["tags"] = new JsonObject(),
        };
        if (secret.ContentType is { } contentType)
        {
            bundle["contentType"] = contentType;
        }

        return bundle;
    }

    public static JsonObject Error(string code, string message, string? innerCode = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (innerCode is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = innerCode };
        }

        return new JsonObject { ["error"] = error };
    }

    public static JsonObject NotFound(string name, string? version) => Error(
        "SecretNotFound",
        $"A secret with (name/id) {name}{(version is null ? "" : "/" + version)} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");
}
