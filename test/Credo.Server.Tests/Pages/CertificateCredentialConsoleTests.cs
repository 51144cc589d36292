using System.Text;
using Credo.Server.Tests.Infrastructure;
using Credo.Tests;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>
/// Certificate credentials in the console (headless Chromium): uploaded with a plain form post, validated against the
/// sandbox's OpenIddict server, listed with thumbprint and expiry; the key never shows in HTML, logs or the database.
/// </summary>
public sealed class CertificateCredentialConsoleTests(CertificateServerFixture server, Browser browser) : IClassFixture<CertificateServerFixture>, IClassFixture<Browser>
{
    private const string CredentialsPath = "/Administration/GlobalSettings/Credentials";

    [Fact]
    public async Task Administrator_uploads_a_certificate_validates_it_and_the_list_shows_thumbprint_and_expiry()
    {
        var files = server.Certificate;
        var name = "Certificate " + Guid.NewGuid().ToString("N")[..8];
        var page = await SignedInAsync();
        var html = new List<string>();

        await page.GotoAsync(CredentialsPath);
        await page.GetByText("+ Add Credentials", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "OAuth2 Client Credentials (Certificate)" }).ClickAsync();
        Assert.EndsWith("/Add?type=OAuth2ClientCertificate", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByLabel("Signing Algorithm")).ToHaveValueAsync("PS256");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Client Identifier").FillAsync(CertificateServerFixture.CertificateClientId);
        await page.GetByLabel("Token Endpoint").FillAsync(server.TokenEndpoint.ToString());
        await page.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
        await page.Locator("#Form_Certificate").SetInputFilesAsync(new FilePayload
        {
            Name = "credo.pfx",
            MimeType = "application/x-pkcs12",
            Buffer = files.Pfx(CertificateServerFixture.PfxPassword),
        });
        await page.GetByLabel("Certificate Password").FillAsync(CertificateServerFixture.PfxPassword);

        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Validation succeeded");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("https://outlook.office365.com");
        Assert.Equal("", await page.GetByLabel("Certificate Password").InputValueAsync());
        html.Add(await page.ContentAsync());

        // The upload is carried to Add in protected form: no second upload, no password again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, CredentialsPath).ToString());
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToContainTextAsync(files.Sha256Thumbprint);
        await Expect(row).ToContainTextAsync("CN=credo-console");
        await Expect(row).ToContainTextAsync("Expires in 10 days");
        await Expect(row.Locator(".badge.expires-soon")).ToHaveTextAsync("Expires in 10 days");
        await Expect(row).ToContainTextAsync("Valid ·");
        html.Add(await page.ContentAsync());

        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.Locator("dl.certificate")).ToContainTextAsync(files.Sha256Thumbprint);
        await Expect(page.Locator("dl.certificate")).ToContainTextAsync("Expires in 10 days");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Validation succeeded");
        html.Add(await page.ContentAsync());

        var key = files.KeyBase64;
        Assert.All(html, h =>
        {
            Assert.DoesNotContain("PRIVATE KEY", h, StringComparison.Ordinal);
            Assert.DoesNotContain(key[..40], h, StringComparison.Ordinal);
            Assert.DoesNotContain(CertificateServerFixture.PfxPassword, h, StringComparison.Ordinal);
        });
        server.AssertLogsHoldNone(key[..40], Convert.ToBase64String(files.Pfx(CertificateServerFixture.PfxPassword))[..40], CertificateServerFixture.PfxPassword);
        var database = Encoding.Latin1.GetString(await server.ReadDatabaseAsync());
        Assert.Contains(files.Sha256Thumbprint, database, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", database, StringComparison.Ordinal);
        Assert.DoesNotContain(key[..40], database, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_certificate_password_is_shown_by_its_field_and_nothing_is_added()
    {
        var name = "Wrong password " + Guid.NewGuid().ToString("N")[..8];
        var page = await SignedInAsync();
        await page.GotoAsync(CredentialsPath + "/Add?type=OAuth2ClientCertificate");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Client Identifier").FillAsync(CertificateServerFixture.CertificateClientId);
        await page.GetByLabel("Token Endpoint").FillAsync(server.TokenEndpoint.ToString());
        await page.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
        await page.Locator("#Form_Certificate").SetInputFilesAsync(new FilePayload
        {
            Name = "credo.pfx",
            MimeType = "application/x-pkcs12",
            Buffer = server.Certificate.Pfx(CertificateServerFixture.PfxPassword),
        });
        await page.GetByLabel("Certificate Password").FillAsync("not-the-password");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();

        var describedBy = await page.GetByLabel("Certificate Password").GetAttributeAsync("aria-describedby") ?? "";
        Assert.Contains("Form_CertificatePassword-error", describedBy, StringComparison.Ordinal);
        await Expect(page.Locator("#Form_CertificatePassword-error")).ToContainTextAsync("password");
        Assert.DoesNotContain("not-the-password", await page.ContentAsync(), StringComparison.Ordinal);
        await page.GotoAsync(CredentialsPath);
        await Expect(page.GetByText(name)).ToHaveCountAsync(0);
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

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
