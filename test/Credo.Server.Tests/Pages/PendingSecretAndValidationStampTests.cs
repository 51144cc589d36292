using Credo.Sandbox;
using Credo.Server.Pages.Administration.GlobalSettings.Credentials;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>
/// The add form carries two protected values across Validate: the typed secret and the proof that Validate ran. Each
/// is protected for its own purpose, so one posted in place of the other is simply not accepted: no error page, and
/// nothing of the secret in the response or the logs.
/// </summary>
public sealed class PendingSecretAndValidationStampTests(CredoServerFixture server, Browser browser) : IClassFixture<CredoServerFixture>, IClassFixture<Browser>
{
    private const string CredentialsPath = "/Administration/GlobalSettings/Credentials";
    private static readonly SandboxClient Client = CredoServerFixture.BasicClient;

    [Fact]
    public async Task Pending_secret_posted_as_the_validation_stamp_is_ignored_and_the_credential_is_added_not_validated()
    {
        var name = "Swapped stamp " + Guid.NewGuid().ToString("N")[..8];
        await using var endpoint = await InvalidClientEndpointAsync();
        var (page, pending, _) = await ValidatedAddFormAsync(name, endpoint);

        var response = await PostAddAsync(page, name, endpoint, pendingSecret: pending, validationStamp: pending);

        Assert.Equal(302, response.Status);
        Assert.DoesNotContain(Client.ClientSecret, await response.TextAsync(), StringComparison.Ordinal);
        await page.GotoAsync(CredentialsPath);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Added “{name}”; not validated yet: Validate sends a real token request.");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("Not validated");
        AssertLogsClean();
    }

    [Fact]
    public async Task Validation_stamp_posted_as_the_pending_secret_is_not_taken_for_a_secret()
    {
        var name = "Swapped secret " + Guid.NewGuid().ToString("N")[..8];
        await using var endpoint = await InvalidClientEndpointAsync();
        var (page, _, stamp) = await ValidatedAddFormAsync(name, endpoint);

        var response = await PostAddAsync(page, name, endpoint, pendingSecret: stamp, validationStamp: stamp);

        Assert.Equal(200, response.Status);
        var html = await response.TextAsync();
        Assert.Contains(CredentialFormPage.RetypePendingSecret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Client.ClientSecret, html, StringComparison.Ordinal);
        await page.GotoAsync(CredentialsPath);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToHaveCountAsync(0);
        AssertLogsClean();
    }

    /// <summary>A token endpoint on loopback that refuses every client, quickly: a failed Validate is stamped too.</summary>
    private static Task<LoopbackServer> InvalidClientEndpointAsync() =>
        LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");

    /// <summary>The add form after Validate, with its protected pending secret and validation stamp.</summary>
    private async Task<(IPage Page, string Pending, string Stamp)> ValidatedAddFormAsync(string name, LoopbackServer endpoint)
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Client Identifier").FillAsync(Client.ClientId);
        await page.GetByLabel("Client Secret").FillAsync(Client.ClientSecret);
        await page.GetByLabel("Token Endpoint").FillAsync(endpoint.Url("token").ToString());
        await page.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Validation failed" })).ToBeVisibleAsync();

        var pending = await page.Locator("input[name='Form.PendingSecret']").GetAttributeAsync("value");
        var stamp = await page.Locator("input[name='Form.ValidationStamp']").GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(pending));
        Assert.False(string.IsNullOrEmpty(stamp));
        return (page, pending, stamp);
    }

    private async Task<IAPIResponse> PostAddAsync(IPage page, string name, LoopbackServer endpoint, string pendingSecret, string validationStamp)
    {
        var token = await page.Locator("form.form input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token!);
        form.Set("Form.Name", name);
        form.Set("Form.ClientId", Client.ClientId);
        form.Set("Form.ClientSecret", "");
        form.Set("Form.TokenEndpoint", endpoint.Url("token").ToString());
        form.Set("Form.Scopes", CredoServerFixture.Scope);
        form.Set("Form.AuthenticationMethod", "ClientSecretBasic");
        form.Set("Form.PendingSecret", pendingSecret);
        form.Set("Form.ValidationStamp", validationStamp);
        return await page.Context.APIRequest.PostAsync(CredentialsPath + "/Add", new() { Form = form, MaxRedirects = 0 });
    }

    private void AssertLogsClean()
    {
        // A JSON parser fed the secret quotes its first character; an error anywhere would be that 500.
        server.AssertLogsHoldNone(Client.ClientSecret, $"'{Client.ClientSecret[0]}'");
        Assert.DoesNotContain(server.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }
}
