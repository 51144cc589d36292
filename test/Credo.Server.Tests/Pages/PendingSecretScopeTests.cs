using Credo.Core.Users;
using Credo.Server.Pages.Administration.GlobalSettings.Credentials;
using Credo.Server.Tests.Infrastructure;
using Credo.Tests;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>
/// The secret (or certificate) the add form carries from Validate to Add is kept only for the session and user that
/// typed it, and the Token Endpoint and Client Identifier it was typed for. Replayed from another session, or posted
/// with another Token Endpoint or Client Identifier, it is not used: nothing is sent, and the form asks for it again.
/// </summary>
public sealed class PendingSecretScopeTests(CredoServerFixture server, Browser browser) : IClassFixture<CredoServerFixture>, IClassFixture<Browser>
{
    private const string CredentialsPath = "/Administration/GlobalSettings/Credentials";
    private const string Secret = "pending-scope-s3cret";
    private const string ClientId = "pending-scope-client";
    private const string OtherPassword = "other-admin-password-1";

    [Fact]
    public async Task A_pending_secret_replayed_from_another_session_sends_nothing_and_asks_for_the_secret_again()
    {
        await using var typedFor = await InvalidClientEndpointAsync();
        var owner = await browser.SignedInPageAsync(server.BaseAddress);
        await FillSecretFormAsync(owner, "Owner's " + Guid.NewGuid().ToString("N")[..8], typedFor);
        await ValidateAsync(owner);
        Assert.Equal(1, typedFor.Requests);
        var pending = await HiddenAsync(owner, "Form.PendingSecret");

        var otherAdmin = "other-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(otherAdmin, OtherPassword, UserRole.Administrator);
        var sessions = new[] { await browser.SignedInPageAsync(server.BaseAddress, otherAdmin, OtherPassword), await browser.SignedInPageAsync(server.BaseAddress) };
        foreach (var replayer in sessions)
        {
            await using var theirs = await InvalidClientEndpointAsync();
            var name = "Replayed " + Guid.NewGuid().ToString("N")[..8];
            foreach (var handler in new[] { "?handler=Validate", "" })
            {
                var html = await ReplayAsync(replayer, handler, new()
                {
                    ["Form.Type"] = "OAuth2ClientCredentials", ["Form.Name"] = name, ["Form.ClientId"] = ClientId, ["Form.ClientSecret"] = "",
                    ["Form.TokenEndpoint"] = theirs.Url("token").ToString(), ["Form.Scopes"] = CredoServerFixture.Scope,
                    ["Form.AuthenticationMethod"] = "ClientSecretBasic", ["Form.PendingSecret"] = pending,
                });

                Assert.Contains($"id=\"Form_ClientSecret-error\">{CredentialFormPage.RetypePendingSecret}</p>", html, StringComparison.Ordinal);
                Assert.DoesNotContain("id=\"report-title\"", html, StringComparison.Ordinal);
            }

            Assert.Equal(0, theirs.Requests);
            await replayer.GotoAsync(CredentialsPath);
            await Assertions.Expect(replayer.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToHaveCountAsync(0);
        }

        // In its own session, with the values it was typed for, the secret is used as before.
        await ValidateAsync(owner);
        Assert.Equal(2, typedFor.Requests);
    }

    [Fact]
    public async Task A_pending_secret_is_not_sent_to_another_token_endpoint_nor_with_another_client_identifier()
    {
        await using var typedFor = await InvalidClientEndpointAsync();
        await using var elsewhere = await InvalidClientEndpointAsync();
        var name = "Moved " + Guid.NewGuid().ToString("N")[..8];
        var page = await browser.SignedInPageAsync(server.BaseAddress);
        await FillSecretFormAsync(page, name, typedFor);
        await ValidateAsync(page);

        await page.GetByLabel("Client Identifier").FillAsync("someone-elses-client");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Assertions.Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialFormPage.RetypePendingSecret);
        Assert.Equal(1, typedFor.Requests);

        await page.GetByLabel("Client Identifier").FillAsync(ClientId);
        await page.GetByLabel("Client Secret").FillAsync(Secret);
        await ValidateAsync(page);
        Assert.Equal(2, typedFor.Requests);
        await page.GetByLabel("Token Endpoint").FillAsync(elsewhere.Url("token").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Assertions.Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialFormPage.RetypePendingSecret);
        Assert.Equal(0, elsewhere.Requests);

        await page.GetByLabel("Client Secret").FillAsync(Secret);
        await ValidateAsync(page);
        Assert.Equal(1, elsewhere.Requests);
        await page.GetByLabel("Token Endpoint").FillAsync(typedFor.Url("token").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();

        await Assertions.Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialFormPage.RetypePendingSecret);
        await page.GotoAsync(CredentialsPath);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToHaveCountAsync(0);
        Assert.Equal((2, 1), (typedFor.Requests, elsewhere.Requests));
        server.AssertLogsHoldNone(Secret);
    }

    [Fact]
    public async Task A_pending_certificate_replayed_from_another_session_or_for_another_token_endpoint_is_not_used()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var files = CertificateFiles.Rsa("CN=pending-scope", now.AddDays(-1), now.AddDays(30));
        await using var typedFor = await InvalidClientEndpointAsync();
        await using var elsewhere = await InvalidClientEndpointAsync();
        var owner = await browser.SignedInPageAsync(server.BaseAddress);
        await owner.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCertificate");
        await owner.GetByLabel("Name").FillAsync("Certificate " + Guid.NewGuid().ToString("N")[..8]);
        await owner.GetByLabel("Client Identifier").FillAsync(ClientId);
        await owner.GetByLabel("Token Endpoint").FillAsync(typedFor.Url("token").ToString());
        await owner.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
        await owner.Locator("#Form_Certificate").SetInputFilesAsync(new FilePayload { Name = "credo.pem", MimeType = "application/x-pem-file", Buffer = files.Pem() });
        await ValidateAsync(owner);
        Assert.Equal(1, typedFor.Requests);
        var pending = await HiddenAsync(owner, "Form.PendingCertificate");

        var otherAdmin = "cert-other-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(otherAdmin, OtherPassword, UserRole.Administrator);
        var replayer = await browser.SignedInPageAsync(server.BaseAddress, otherAdmin, OtherPassword);
        var html = await ReplayAsync(replayer, "?handler=Validate", new()
        {
            ["Form.Type"] = "OAuth2ClientCertificate", ["Form.Name"] = "Replayed certificate", ["Form.ClientId"] = ClientId,
            ["Form.TokenEndpoint"] = elsewhere.Url("token").ToString(), ["Form.Scopes"] = CredoServerFixture.Scope,
            ["Form.SigningAlgorithm"] = "PS256", ["Form.PendingCertificate"] = pending,
        });

        Assert.Contains($"id=\"Form_Certificate-error\">{CredentialFormPage.UploadPendingCertificateAgain}</p>", html, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Requests);

        await owner.GetByLabel("Token Endpoint").FillAsync(elsewhere.Url("token").ToString());
        await owner.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Assertions.Expect(owner.Locator("#Form_Certificate-error")).ToHaveTextAsync(CredentialFormPage.UploadPendingCertificateAgain);
        Assert.Equal((1, 0), (typedFor.Requests, elsewhere.Requests));
        server.AssertLogsHoldNone(files.KeyBase64[..40]);
    }

    /// <summary>A token endpoint on loopback that refuses every client and counts what reaches it.</summary>
    private static Task<LoopbackServer> InvalidClientEndpointAsync() =>
        LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");

    private static async Task FillSecretFormAsync(IPage page, string name, LoopbackServer endpoint)
    {
        await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Client Identifier").FillAsync(ClientId);
        await page.GetByLabel("Client Secret").FillAsync(Secret);
        await page.GetByLabel("Token Endpoint").FillAsync(endpoint.Url("token").ToString());
        await page.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
    }

    private static async Task ValidateAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Validation failed" })).ToBeVisibleAsync();
    }

    private static async Task<string> HiddenAsync(IPage page, string name)
    {
        var value = await page.Locator($"input[name='{name}']").GetAttributeAsync("value");
        Assert.NotNull(value);
        Assert.NotEmpty(value);
        return value;
    }

    /// <summary>Posts the add form from <paramref name="page"/>'s own session (its cookie and antiforgery token) with <paramref name="fields"/>.</summary>
    private static async Task<string> ReplayAsync(IPage page, string handler, Dictionary<string, string> fields)
    {
        await page.GotoAsync(CredentialsPath + "/Add?type=" + fields["Form.Type"]);
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", (await page.Locator("form.form input[name=__RequestVerificationToken]").GetAttributeAsync("value"))!);
        foreach (var (field, value) in fields)
        {
            form.Set(field, value);
        }

        var response = await page.Context.APIRequest.PostAsync(CredentialsPath + "/Add" + handler, new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(200, response.Status);
        return await response.TextAsync();
    }
}
