using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Vaults.HashiCorp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>A server whose secret sources name the sandbox's Vault, with reads kept for one second.</summary>
public sealed class VaultListenerServerFixture : ListenerServerFixture
{
    protected override void ConfigureServer(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Credo:SecretSources:CacheDuration"] = "00:00:01",
            ["Credo:SecretSources:Vault:sandbox:Address"] = Sandbox.Vault.Address.ToString(),
            ["Credo:SecretSources:Vault:sandbox:Token"] = Sandbox.Vault.RootToken,
        });
    }
}

/// <summary>
/// A listener whose credential reads its secret from the sandbox's Vault records mail; when the vault stops answering it
/// shows Error naming the vault within one interval and 15 s, and it recovers by itself when the vault answers again.
/// </summary>
public sealed class SecretSourceListenerTests(VaultListenerServerFixture server) : IClassFixture<VaultListenerServerFixture>
{
    private const string Reference = $"vault://sandbox/{SandboxVault.DefaultMount}/{SandboxVault.DemoSecretPath}#{SandboxVault.DemoSecretKey}";
    private static readonly TimeSpan ErrorWithin = TimeSpan.FromSeconds(5 + 15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listener_with_a_Vault_secret_records_mail_shows_Error_naming_the_vault_while_it_is_sealed_and_recovers()
    {
        var mailbox = server.Sandbox.Mailboxes.Create("vault-" + Guid.NewGuid().ToString("N")[..8] + "@sandbox.test");
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        Credential credential;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var change = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
            {
                Name = "Vault " + Guid.NewGuid().ToString("N")[..8], ClientId = SandboxClient.Default().ClientId, SecretReference = Reference,
                TokenEndpoint = server.TokenEndpoint.ToString(), Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = ListenerServerFixture.TestResourceHosts,
            }, "tests", Ct);
            Assert.Equal(ChangeStatus.Done, change.Status);
            credential = change.Value!;
        }

        var listener = await server.ListenerAsync(mailbox.Address, l => l.CredentialId = credential.Id);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 1, "the listener records the mailbox's mail");

        server.Sandbox.Vault.Unavailable = true;
        try
        {
            var clock = Stopwatch.StartNew();
            JsonElement health;
            while ((health = await HealthAsync(listener.Id)).GetProperty("status").GetString() != "Error" && clock.Elapsed < ErrorWithin)
            {
                await Task.Delay(200, Ct);
            }

            Assert.Equal("Error", health.GetProperty("status").GetString());
            Assert.Contains($"the Vault \"sandbox\" at {server.Sandbox.Vault.Address.GetLeftPart(UriPartial.Authority)} answered HTTP 503 to the read of {Reference}", health.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            server.Sandbox.Vault.Unavailable = false;
        }

        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 2 && (await HealthAsync(listener.Id)).GetProperty("status").GetString() == "OK", "the listener recovers by itself");

        // The value read from the vault is in no log line of the server.
        Assert.DoesNotContain(server.Logs.GetSnapshot(), r => r.Message.Contains(SandboxClient.Default().ClientSecret, StringComparison.Ordinal)
            || r.Exception?.ToString().Contains(SandboxClient.Default().ClientSecret, StringComparison.Ordinal) == true);
    }

    private async Task<JsonElement> HealthAsync(Guid listenerId)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key ??= await server.CreateApiKeyAsync(UserRole.Viewer));
        using var response = await http.GetAsync($"/api/v1/listeners/{listenerId}", Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("health").Clone();
    }

    private string? _key;
}
