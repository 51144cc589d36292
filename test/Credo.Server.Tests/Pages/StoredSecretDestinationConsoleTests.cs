using Credo.Core;
using Credo.Core.Credentials;
using Credo.OAuth;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>
/// The credential edit page in headless Chromium: with the secret field left empty, Validate and Save refuse to send
/// the stored secret to a Token Endpoint or with a Client Identifier other than the saved ones.
/// </summary>
public sealed class StoredSecretDestinationConsoleTests(CredoServerFixture server, Browser browser) : IClassFixture<CredoServerFixture>, IClassFixture<Browser>
{
    private const string CredentialsPath = "/Administration/GlobalSettings/Credentials";
    private static readonly SandboxClient Client = CredoServerFixture.BasicClient;

    [Fact]
    public async Task Edit_page_refuses_to_validate_or_save_the_stored_secret_for_another_token_endpoint_and_sends_nothing()
    {
        await using var elsewhere = await Elsewhere();
        var credential = await CreateAsync(server.TokenEndpoint.ToString());
        var page = await SignedInAsync();
        await page.GotoAsync($"{CredentialsPath}/{credential.Id}");

        await page.GetByLabel("Token Endpoint").FillAsync(elsewhere.Url("token").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialRules.RetypeSecret);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        Assert.Equal(0, elsewhere.Requests);

        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialRules.RetypeSecret);
        Assert.Equal(0, elsewhere.Requests);
        Assert.Equal((credential.Version, credential.TokenEndpoint), await StoredAsync(credential.Id));

        // Typed again, the secret is the editor's to send wherever they like.
        await page.GetByLabel("Client Secret").FillAsync(Client.ClientSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Validation failed" })).ToBeVisibleAsync();
        Assert.Equal(1, elsewhere.Requests);
        Assert.DoesNotContain(Client.ClientSecret, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_page_refuses_to_validate_or_save_the_stored_secret_with_another_client_identifier()
    {
        await using var elsewhere = await Elsewhere();
        var credential = await CreateAsync(elsewhere.Url("token").ToString());
        var page = await SignedInAsync();
        await page.GotoAsync($"{CredentialsPath}/{credential.Id}");

        await page.GetByLabel("Client Identifier").FillAsync("someone-elses-client");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialRules.RetypeSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialRules.RetypeSecret);

        Assert.Equal(0, elsewhere.Requests);
        Assert.Equal((credential.Version, credential.TokenEndpoint), await StoredAsync(credential.Id));
    }

    /// <summary>A token endpoint on loopback standing for one the secret was not saved for; it counts what reaches it.</summary>
    private static Task<LoopbackServer> Elsewhere() => LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");

    private async Task<Credential> CreateAsync(string tokenEndpoint)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Destination " + Guid.NewGuid().ToString("N")[..8],
            ClientId = Client.ClientId,
            ClientSecret = Client.ClientSecret,
            TokenEndpoint = tokenEndpoint,
            Scopes = CredoServerFixture.Scope,
            AuthenticationMethod = ClientAuthenticationMethod.ClientSecretBasic,
        }, "tests", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, result.Status);
        return result.Value!;
    }

    private async Task<(long Version, string TokenEndpoint)> StoredAsync(Guid id)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<CredentialStore>().GetAsync(id, TestContext.Current.CancellationToken);
        return (stored!.Version, stored.TokenEndpoint);
    }

    private async Task<IPage> SignedInAsync()
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email Listeners" })).ToBeVisibleAsync();
        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
