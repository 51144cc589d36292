using System.Security.Cryptography;
using System.Text;
using Credo.Sandbox;
using Credo.Sandbox.Vaults.HashiCorp;
using Credo.Sandbox.Vaults.KeyVault;

namespace Credo.Server.Cli;

/// <summary>What the sandbox prints on start: where it is and how to get a token from it.</summary>
internal static class SandboxBanner
{
    /// <summary>The sandbox prints its banner; its logs are warnings and errors only.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging) =>
        logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

    public static string Describe(SandboxServer sandbox, SandboxOptions options)
    {
        var text = new StringBuilder()
            .AppendLine("Credo sandbox")
            .AppendLine($"  address         {sandbox.BaseAddress}")
            .AppendLine($"  token endpoint  {sandbox.TokenEndpoint}")
            .AppendLine($"  introspection   {sandbox.IntrospectionEndpoint}")
            .AppendLine($"  EWS             {sandbox.EwsEndpoint}")
            .AppendLine($"  Graph           {sandbox.GraphEndpoint}")
            .AppendLine($"  mailboxes       {string.Join(", ", options.Mailboxes)} ({options.SeedMessages} sample mails each)")
            .AppendLine($"  control API     {sandbox.BaseAddress}sandbox/mailboxes")
            .AppendLine($"  Vault (KV v2)   {sandbox.Vault.Address} (mount {SandboxVault.DefaultMount})")
            .AppendLine($"  Vault token     {sandbox.Vault.RootToken}")
            .AppendLine($"  Vault AppRole   role id {SandboxVault.DemoRoleId} / secret id {SandboxVault.DemoSecretId}")
            .AppendLine($"  Vault ref       vault://sandbox/{SandboxVault.DefaultMount}/{SandboxVault.DemoSecretPath}#{SandboxVault.DemoSecretKey}")
            .AppendLine($"  Key Vault       {sandbox.KeyVaultUri} (also the authority host, tenant {SandboxServer.TenantId})")
            .AppendLine($"  Key Vault TLS   self-signed, SHA-256 {sandbox.TlsCertificate.GetCertHashString(HashAlgorithmName.SHA256)}")
            .AppendLine($"  Key Vault ref   keyvault://sandbox/{SandboxKeyVault.DemoSecretName}");
        foreach (var client in options.Clients)
        {
            text.AppendLine($"  client          {client.ClientId} / secret {client.ClientSecret} ({string.Join(", ", client.AuthenticationMethods)})")
                .AppendLine($"  scope           {string.Join(' ', client.Scopes)}");
        }

        var first = options.Clients.FirstOrDefault();
        if (first is not null)
        {
            // One line per scope: as with Entra, a token is for one resource (EWS or Graph).
            text.AppendLine().AppendLine("Get a token:");
            foreach (var scope in first.Scopes)
            {
                text.AppendLine($"  echo '{first.ClientSecret}' | credo token --token-endpoint {sandbox.TokenEndpoint} --client-id {first.ClientId} --client-secret-stdin --scope \"{scope}\"");
            }
        }

        return text.ToString();
    }
}
