using Microsoft.Playwright;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>
/// Headless Chromium from Debian (<c>/usr/bin/chromium</c>, or <c>CREDO_TEST_CHROMIUM</c>) driven by Playwright;
/// no browser is downloaded. In CI a missing Chromium fails the test; elsewhere the test is skipped with the reason.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CREDO_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with one page.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        if (_browser is null)
        {
            var reason = $"Chromium is not at {ExecutablePath}: browser tests need Debian's chromium package (.ci/run installs it).";
            MissingPrerequisite.Stop(reason);
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh browser context signed in to the console as <paramref name="userName"/>, on the credentials page.</summary>
    public async Task<IPage> SignedInPageAsync(Uri baseAddress, string userName = "admin", string password = CredoServerFixture.AdminPassword)
    {
        var page = await NewPageAsync(baseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email Listeners" })).ToBeVisibleAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
