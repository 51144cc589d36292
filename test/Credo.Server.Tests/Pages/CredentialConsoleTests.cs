using System.Text.RegularExpressions;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Server.Pages.Account;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>The credentials console in headless Chromium, against Credo and an OpenIddict server on loopback.</summary>
public sealed class CredentialConsoleTests(CredoServerFixture server, Browser browser) : IClassFixture<CredoServerFixture>, IClassFixture<Browser>
{
    private const string CredentialsPath = "/Administration/GlobalSettings/Credentials";

    [Theory]
    [InlineData("Send credentials using the HTTP Basic authentication scheme")]
    [InlineData("Send credentials in the body of the request")]
    public async Task Administrator_adds_a_credential_and_validates_it_against_the_authorization_server(string method)
    {
        var client = method.Contains("Basic", StringComparison.Ordinal) ? CredoServerFixture.BasicClient : CredoServerFixture.PostClient;
        var name = "Exchange " + Guid.NewGuid().ToString("N")[..8];
        var page = await SignedInAsync();
        var html = new List<string>();

        await page.GotoAsync(CredentialsPath);
        await page.GetByText("+ Add Credentials", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "OAuth2 Client Credentials", Exact = true }).ClickAsync();
        Assert.EndsWith("/Add?type=OAuth2ClientCredentials", page.Url, StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Send credentials using the HTTP Basic authentication scheme").IsCheckedAsync(), "Basic is the default method.");
        await FillAsync(page, name, client, client.ClientSecret, method);
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Validation succeeded");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("https://outlook.office365.com");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("full_access_as_app");
        Assert.Equal(name, await page.GetByLabel("Name").InputValueAsync());
        Assert.Equal("", await page.GetByLabel("Client Secret").InputValueAsync());
        html.Add(await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, CredentialsPath).ToString());
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToContainTextAsync(client.ClientId);
        await Expect(row).ToContainTextAsync("Valid ·");
        html.Add(await page.ContentAsync());

        // Validating the stored credential from its edit page records it too.
        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Validation succeeded");
        html.Add(await page.ContentAsync());

        Assert.All(html, h => Assert.DoesNotContain(client.ClientSecret, h, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Administrator_adds_a_credential_whose_secret_is_read_from_an_environment_variable()
    {
        var variable = "CREDO_SECRET_CONSOLE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, CredoServerFixture.BasicClient.ClientSecret);
        try
        {
            var page = await SignedInAsync();
            await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");
            await Expect(page.GetByLabel("Secret Reference")).ToBeHiddenAsync();
            await FillAsync(page, "From the environment " + variable[^6..], CredoServerFixture.BasicClient, "", "Send credentials using the HTTP Basic authentication scheme");

            // An external source shows the Secret Reference instead of the Client Secret.
            await page.GetByLabel("Secret Source").SelectOptionAsync(new SelectOptionValue { Label = "Environment variable" });
            await Expect(page.GetByLabel("Client Secret")).ToBeHiddenAsync();
            await page.GetByLabel("Secret Reference").FillAsync("file:/run/secrets/x");
            await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
            await Expect(page.Locator("#Form_SecretReference-error")).ToContainTextAsync("choose it as the Secret Source");

            await page.GetByLabel("Secret Reference").FillAsync("env:" + variable);
            await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Validation succeeded");
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("read from env:" + variable);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = variable[^6..] });
            await Expect(row).ToContainTextAsync("Valid ·");

            await row.GetByRole(AriaRole.Link).First.ClickAsync();
            Assert.Equal("env", await page.GetByLabel("Secret Source").InputValueAsync());
            await Expect(page.Locator("#Form_SecretReference-note")).ToContainTextAsync("Now: env:" + variable);
            Assert.DoesNotContain(CredoServerFixture.BasicClient.ClientSecret, await page.ContentAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Validate_with_a_wrong_secret_shows_invalid_client_with_a_hint()
    {
        var page = await SignedInAsync();
        await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");
        await FillAsync(page, "Wrong secret", CredoServerFixture.BasicClient, "not-the-secret", "Send credentials using the HTTP Basic authentication scheme");

        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        var report = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Validation failed" });
        await Expect(report).ToContainTextAsync("invalid_client");
        await Expect(report).ToContainTextAsync("Send credentials in the body of the request");
        Assert.DoesNotContain("not-the-secret", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_form_shows_a_required_error_on_every_field()
    {
        var page = await SignedInAsync();
        await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();

        foreach (var (label, message) in new[]
                 {
                     ("Name", "Enter a name"),
                     ("Client Identifier", "Enter the client identifier"),
                     ("Client Secret", "Enter the client secret"),
                     ("Token Endpoint", "Enter the token endpoint"),
                     ("Scopes", "Enter at least one scope"),
                 })
        {
            var field = page.GetByLabel(label);
            await Expect(field).ToHaveAttributeAsync("required", new System.Text.RegularExpressions.Regex(".*"));
            var describedBy = await field.GetAttributeAsync("aria-describedby") ?? "";
            var error = describedBy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Single(id => id.EndsWith("-error", StringComparison.Ordinal));
            await Expect(page.Locator("#" + error)).ToContainTextAsync(message);
        }
    }

    [Fact]
    public async Task Edit_keeps_the_stored_secret_when_the_field_is_left_empty_and_delete_removes_the_credential()
    {
        var client = CredoServerFixture.PostClient;
        var name = "Edit me " + Guid.NewGuid().ToString("N")[..8];
        var page = await SignedInAsync();
        await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");
        await FillAsync(page, name, client, client.ClientSecret, "Send credentials in the body of the request");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("Not validated");

        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        Assert.Equal("", await page.GetByLabel("Client Secret").InputValueAsync());
        await page.GetByLabel("Name").FillAsync(name + " renamed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = name + " renamed" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Validation succeeded");
        Assert.DoesNotContain(client.ClientSecret, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, CredentialsPath).ToString());
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Deleted “{name} renamed”.");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name + " renamed" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Viewer_sees_the_list_but_cannot_change_anything()
    {
        await server.AddUserAsync("viewer-" + Guid.NewGuid().ToString("N")[..6], "viewer-password-1", UserRole.Viewer);
        var admin = await SignedInAsync();
        await admin.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials");
        await FillAsync(admin, "Viewer can see", CredoServerFixture.BasicClient, CredoServerFixture.BasicClient.ClientSecret, "Send credentials using the HTTP Basic authentication scheme");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        var editUrl = await admin.GetByRole(AriaRole.Link, new() { Name = "Viewer can see" }).GetAttributeAsync("href");

        var viewerName = "viewer2-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(viewerName, "viewer-password-2", UserRole.Viewer);
        var page = await SignedInAsync(viewerName, "viewer-password-2");
        await page.GotoAsync(CredentialsPath);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Viewer can see" })).ToBeVisibleAsync();
        await Expect(page.GetByText("+ Add Credentials", new() { Exact = true })).ToHaveCountAsync(0);

        foreach (var path in new[] { CredentialsPath + "/Add?type=OAuth2ClientCredentials", editUrl!, editUrl + "/Delete", "/Administration/ApiKeys" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        }

        // Even with a valid antiforgery token of its own, a Viewer's POST is refused.
        await page.GotoAsync(CredentialsPath);
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token!);
        var post = await page.Context.APIRequest.PostAsync(editUrl + "/Delete", new() { Form = form });
        Assert.Equal(403, post.Status);
        await admin.GotoAsync(CredentialsPath);
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Viewer can see" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Post_without_the_antiforgery_token_is_rejected()
    {
        var page = await SignedInAsync();

        var form = page.Context.APIRequest.CreateFormData();
        form.Set("Form.Name", "Forged");
        form.Set("Form.ClientId", "x");
        form.Set("Form.ClientSecret", "y");
        form.Set("Form.TokenEndpoint", "https://idp.example.com/t");
        form.Set("Form.Scopes", "s");

        var response = await page.Context.APIRequest.PostAsync(CredentialsPath + "/Add?type=OAuth2ClientCredentials", new() { Form = form });

        Assert.Equal(400, response.Status);
        await page.GotoAsync(CredentialsPath);
        await Expect(page.GetByText("Forged")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Pages_send_a_content_security_policy_without_inline_script_and_strict_cookies()
    {
        var page = await browser.NewPageAsync(server.BaseAddress);

        var response = await page.GotoAsync("/Account/Login");

        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "credo.session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_lock_the_user_out()
    {
        var userName = "locked-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "right-password-1", UserRole.Administrator);
        var page = await browser.NewPageAsync(server.BaseAddress);

        for (var i = 0; i < UserService.MaxFailedSignIns; i++)
        {
            await SignInAsync(page, userName, "wrong-password");
        }

        await SignInAsync(page, userName, "right-password-1");

        // Held, and not revealed: the words are those of any failed sign-in.
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(LoginModel.SignInFailed);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "credo.session");
    }

    [Fact]
    public async Task Resetting_a_password_ends_the_users_sessions()
    {
        var userName = "reset-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "first-password-1", UserRole.Viewer);
        var page = await SignedInAsync(userName, "first-password-1");

        // A checked session is trusted for 30 s before it is looked up again; emptying the cache stands for that time.
        var cache = (MemoryCache)server.Services.GetRequiredService<IMemoryCache>();
        cache.Clear();
        await page.GotoAsync(CredentialsPath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Credentials" })).ToBeVisibleAsync();

        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<UserService>()
                .ResetPasswordAsync(userName, "second-password-2", "test", TestContext.Current.CancellationToken));
        }

        cache.Clear();
        await page.GotoAsync(CredentialsPath);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
    }

    private async Task<IPage> SignedInAsync(string userName = "admin", string password = CredoServerFixture.AdminPassword)
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await SignInAsync(page, userName, password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email Listeners" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private async Task FillAsync(IPage page, string name, SandboxClient client, string secret, string method)
    {
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Client Identifier").FillAsync(client.ClientId);
        await page.GetByLabel("Client Secret").FillAsync(secret);
        await page.GetByLabel("Token Endpoint").FillAsync(server.TokenEndpoint.ToString());
        await page.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
        await page.GetByLabel(method).CheckAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
